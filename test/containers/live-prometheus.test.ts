// Live: a real Prometheus scrapes the compiled agent while a pod tree exists in real cgroup
// v1 controllers (the kubelet's cgroupfs layout, identity files under a temporary
// --path.rootfs). The pod has a sandbox in its own network namespace (eth0 of a veth pair)
// and a container with a CPU quota and a memory limit, burning CPU. Every Prometheus query
// of the Pods dashboard, kubernetes-mixin's pod queries that need no kube-state-metrics,
// and the CPUThrottlingHigh expression must return this pod's data. Runs only as root on a
// cgroup v1 host with Debian's prometheus installed; removes every cgroup it made.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBinary, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'
import { CG, CgroupV1Tree, canBuildV1, exited } from '../helpers/cgroup-v1.ts'
import { TempTree, writeIdentity } from '../helpers/containers.ts'
import { queryPrometheus, scrapeConfig, startPrometheus } from '../helpers/prometheus.ts'
import type { PromResult } from '../helpers/prometheus.ts'
import { findTool, loadDashboards, loadRules, metricNames, queriesOf, repoRoot } from '../stack/stack-files.ts'

const CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'blkio']
const prometheusBin = findTool('prometheus')
const canRun = canBuildV1(CONTROLLERS) && prometheusBin !== undefined && findTool('unshare') !== undefined && findTool('ip') !== undefined
if (!canRun) {
  console.warn('live-prometheus: needs root on a cgroup v1 host, prometheus, unshare and ip; the live Prometheus test is NOT run')
}

const NS = 'live-prom'
const POD = 'shop-0'
const CTR = 'burner'
const IMAGE = 'example/burner:2'
const UID = `0d1f0000-0000-4000-8000-${String(process.pid).padStart(12, '0')}`
const SANDBOX = `${'5a1d'.repeat(15)}${String(process.pid % 10000).padStart(4, '0')}`
const ID = `${'c0de'.repeat(15)}${String(process.pid % 10000).padStart(4, '0')}`
const TOP = `odin-liveprom-${process.pid}`
const podRel = `/${TOP}/kubepods/burstable/pod${UID}`
const cgroups = new CgroupV1Tree(CONTROLLERS)
const children: ChildProcess[] = []
const rootfs = new TempTree()
const tmp = mkdtempSync(join(tmpdir(), 'odin-liveprom-'))
let agent: RunningAgent | undefined
let promUrl = ''

const mkCgroup = (rel: string) => cgroups.mk(rel)
const enter = (rel: string, pid: number) => cgroups.enter(rel, pid)

async function run(cmd: string, args: string[]): Promise<ChildProcess> {
  const child = spawn(cmd, args, { stdio: 'ignore' })
  children.push(child)
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve())
    child.once('error', reject)
  })
  return child
}

async function query(expr: string): Promise<PromResult> {
  return queryPrometheus(promUrl, expr)
}

/** Grafana's variables, set to this test's pod. */
function substitute(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '15s')
    .replaceAll('$__range', '1m')
    .replaceAll('$job', 'odin-agent')
    .replaceAll('$instance', `127.0.0.1:${agent?.port ?? 0}`)
    .replaceAll('$namespace', NS)
    .replaceAll('$pod', POD)
    .replaceAll('$container', '.+')
}

beforeAll(async () => {
  if (!canRun) return
  const bin = await ensureBinary()
  expect(existsSync(bin)).toBe(true)
  // The pod: a sandbox with its own network namespace, one container with 0.2 CPU and 64 MiB.
  mkCgroup(`${podRel}/${SANDBOX}`)
  mkCgroup(`${podRel}/${ID}`)
  writeFileSync(join(CG, 'memory', podRel, ID, 'memory.limit_in_bytes'), `${64 * 1024 * 1024}\n`)
  writeFileSync(join(CG, 'cpu', podRel, ID, 'cpu.cfs_period_us'), '100000\n')
  writeFileSync(join(CG, 'cpu', podRel, ID, 'cpu.cfs_quota_us'), '20000\n')
  writeIdentity(rootfs, { id: SANDBOX, namespace: NS, pod: POD, uid: UID, container: '', sandbox: true })
  writeIdentity(rootfs, { id: ID, namespace: NS, pod: POD, uid: UID, container: CTR, image: IMAGE, restarts: 0 })
  const pause = await run('unshare', [
    '-n',
    'sh',
    '-c',
    'ip link add eth0 type veth peer name vethodin0 && ip link set eth0 up && ip link set vethodin0 up && ip addr add 10.9.0.1/24 dev eth0 && ping -q -i 0.5 -W 1 10.9.0.2 >/dev/null 2>&1; exec sleep 600',
  ])
  enter(`${podRel}/${SANDBOX}`, pause.pid as number)
  const burner = await run('sh', ['-c', 'while :; do :; done'])
  enter(`${podRel}/${ID}`, burner.pid as number)

  agent = await startAgent([`--data-dir=${join(tmp, 'data')}`, `--path.rootfs=${rootfs.root}`, '--sampler.interval=1s'], 30_000)
  const prom = await startPrometheus({ bin: prometheusBin as string, dir: tmp, config: scrapeConfig(`127.0.0.1:${agent.port}`, [join(repoRoot, 'rules', 'containers.yml')]) })
  children.push(prom.child)
  promUrl = prom.url
  // Enough scrapes of this pod for rates and increases over 15 s (the first samples come
  // at once; the CFS counters rise every 100 ms period).
  await waitFor(
    async () => {
      const r = await query(`count_over_time(container_cpu_usage_seconds_total{job="odin-agent",pod="${POD}"}[20s]) >= 8`)
      return r.data.result.length === 1
    },
    60_000,
    `eight scrapes of ${NS}/${POD}`,
  )
}, 120_000)

afterAll(async () => {
  await agent?.stop()
  for (const c of children) c.kill('SIGKILL')
  await Promise.all(children.map(exited))
  await cgroups.dispose()
  rootfs.dispose()
  rmSync(tmp, { recursive: true, force: true })
})

describe.skipIf(!canRun)('a real Prometheus scraping the agent during the live pod (live)', () => {
  it('every Pods dashboard query returns this pod', { timeout: 60_000 }, async () => {
    const pods = loadDashboards().find((d) => d.file === 'pods.json')
    expect(pods).toBeDefined()
    const queries = queriesOf(pods as NonNullable<typeof pods>).filter((q) => q.kind === 'prometheus')
    expect(queries.length).toBeGreaterThan(15)
    const empty: string[] = []
    const skipped: string[] = []
    for (const q of queries) {
      const names = metricNames(q.expr)
      // An idle container does no block IO and holds no GPU memory (this host has no GPU). The
      // anomaly scores come from the pod detector (--detector.pod_anomaly, on by default).
      if (names.some((n) => n === 'odin_gpu_container_memory_bytes' || n.startsWith('container_fs_'))) {
        skipped.push(`${q.panel}/${q.refId}`)
        continue
      }
      const r = await query(substitute(q.expr))
      expect(r.status, `${q.panel}/${q.refId}: ${r.error ?? ''}`).toBe('success')
      if (r.data.result.length === 0) empty.push(`${q.panel}/${q.refId}: ${substitute(q.expr)}`)
    }
    console.info(`live-prometheus: ${queries.length - skipped.length - empty.length} of ${queries.length} Pods dashboard queries returned data; not checked: ${skipped.join(', ')}`)
    expect(empty).toEqual([])
    // The pickers list this pod.
    const vars = await query(`count by (namespace, pod, container) (odin_container_info{job="odin-agent",namespace="${NS}",pod="${POD}"})`)
    expect(vars.data.result.map((s) => s.metric)).toEqual([{ namespace: NS, pod: POD, container: CTR }])
  })

  it("kubernetes-mixin's pod queries without kube-state-metrics and CPUThrottlingHigh return this pod", { timeout: 60_000 }, async () => {
    const sel = `job="odin-agent", namespace="${NS}", pod="${POD}"`
    const mixin: [string, string, (m: Record<string, string>) => boolean][] = [
      // Compute Resources / Namespace (Pods) and the cluster CPU panels, with cadvisorSelector job="odin-agent"
      ['CPU usage by pod', `sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{job="odin-agent", container!=""}[5m]))`, (m) => m.namespace === NS && m.pod === POD],
      ['working set', `container_memory_working_set_bytes{job="odin-agent", container!=""}`, (m) => m.pod === POD && m.container === CTR && m.image === IMAGE],
      // Compute Resources / Pod
      ['CPU usage by container', `sum by (container) (irate(container_cpu_usage_seconds_total{${sel}, image!="", container!=""}[15s]))`, (m) => m.container === CTR],
      [
        'CPU throttling',
        `sum by (container) (increase(container_cpu_cfs_throttled_periods_total{${sel}, container!=""}[15s])) / sum by (container) (increase(container_cpu_cfs_periods_total{${sel}, container!=""}[15s]))`,
        (m) => m.container === CTR,
      ],
      ['memory usage (WSS)', `sum by (container) (container_memory_working_set_bytes{${sel}, container!="", image!=""})`, (m) => m.container === CTR],
      ['memory RSS', `sum by (container) (container_memory_rss{${sel}, container!=""})`, (m) => m.container === CTR],
      ['memory cache', `sum by (container) (container_memory_cache{${sel}, container!=""})`, (m) => m.container === CTR],
      ['memory swap', `sum by (container) (container_memory_swap{${sel}, container!=""})`, (m) => m.container === CTR],
      ['receive bandwidth', `sum by (pod) (irate(container_network_receive_bytes_total{${sel}}[15s]))`, (m) => m.pod === POD],
      ['transmit bandwidth', `sum by (pod) (irate(container_network_transmit_bytes_total{${sel}}[15s]))`, (m) => m.pod === POD],
      ['received packets dropped', `sum by (pod) (irate(container_network_receive_packets_dropped_total{${sel}}[15s]))`, (m) => m.pod === POD],
    ]
    const failed: string[] = []
    for (const [name, expr, match] of mixin) {
      const r = await query(expr)
      if (r.status !== 'success' || !r.data.result.some((s) => match(s.metric))) failed.push(`${name}: ${expr} -> ${JSON.stringify(r.data?.result ?? r.error)}`)
    }
    expect(failed).toEqual([])

    // CPUThrottlingHigh's expression as rules/containers.yml writes it (with its 25% threshold):
    // 0.2 CPU against a busy loop is throttled in nearly every period.
    const rule = loadRules().alerts.find((a) => a.alert === 'OdinCPUThrottlingHigh')
    const throttled = await query((rule?.expr ?? '').replaceAll('[5m]', '[15s]'))
    const mine = throttled.data.result.find((s) => s.metric.pod === POD && s.metric.container === CTR)
    expect(mine, JSON.stringify(throttled)).toBeDefined()
    expect(Number(mine?.value[1])).toBeGreaterThan(0.25)
    // The working-set ratio of OdinContainerMemoryNearLimit evaluates for this container (below 90%).
    const ratio = await query(`container_memory_working_set_bytes{${sel}, container!=""} / (container_spec_memory_limit_bytes{${sel}, container!=""} > 0)`)
    expect(ratio.data.result.map((s) => s.metric.container)).toEqual([CTR])
    expect(Number(ratio.data.result[0]?.value[1])).toBeLessThan(0.9)
    console.info(`live-prometheus: throttled share ${Number(mine?.value[1]).toFixed(2)}, working set of limit ${Number(ratio.data.result[0]?.value[1]).toFixed(4)}`)

    // Every rule of rules/containers.yml evaluates without error on the agent's series.
    const res = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string; health: string; lastError?: string }[] }[] } }
    const rules = res.data.groups.flatMap((g) => g.rules)
    expect(rules.length).toBe(loadRules().alerts.filter((a) => a.file === 'containers.yml').length)
    expect(rules.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([])
  })
})
