// The agent's series per node against the number of containers on it: the compiled agent,
// every default collector, the live /proc, and a fake node whose /sys is the real one except
// fs/cgroup (a generated cgroup v1 or v2 tree of Kubernetes pods) and whose rootfs holds the
// runtime's files and the kubelet's log links for those pods. Counts the sample lines of
// /metrics after the second tick, split into container series (the containers collector's
// families) and the rest.
//
//   npx bun bench/series-per-node.ts [--containers 0,30,100,200,250] [--cgroup v1,v2] [--max-series N] [--save DIR]
//
// --save DIR writes each body to DIR/<cgroup>-<containers>.prom, for bench/scale.ts --body.
//
// Pods as on a busy node: ~1.5 containers per pod, at most 110 pods (the kubelet's default
// max-pods), every pod with a sandbox in its own network namespace with one interface (eth0),
// half the containers with a CPU quota and a memory limit, every container with block IO on
// the node's first disk and a kubelet log link (restart count). Root only for the network
// namespace (`unshare --net`); without it the pods get no network series and it says so.
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { ensureBinary, startAgent, waitFor } from '../test/helpers/binary.ts'

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] as string) : fallback
}
const COUNTS = arg('containers', '0,30,100,200,250').split(',').map(Number)
const VERSIONS = arg('cgroup', 'v1,v2').split(',')
const EXTRA = process.argv.includes('--max-series') ? [`--web.max-series=${arg('max-series', '0')}`] : []
const MAX_PODS = 110
const SAVE = process.argv.includes('--save') ? arg('save', '.') : undefined

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0')
const uidOf = (p: number) => `5e1e5000-0000-4000-8000-${hex(p, 12)}`
const idOf = (c: number) => `c0${hex(c + 1, 62)}`
const sandboxIdOf = (p: number) => `5b${hex(p + 1, 62)}`

function write(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}

/** The first real disk's major:minor, so block IO gets a device name as on a node. */
function diskDev(): string {
  for (const d of readdirSync('/sys/block')) {
    if (/^(loop|ram|sr|zram)/.test(d)) continue
    try {
      return readFileSync(`/sys/block/${d}/dev`, 'utf8').trim()
    } catch {}
  }
  return '8:0'
}

/** A process alone in a network namespace with eth0 (a veth whose peer is named veth*, so skipped). */
function podNetwork(): ChildProcess {
  return spawn('unshare', ['--net', 'sh', '-c', 'ip link add eth0 type veth peer name veth0 && ip link set eth0 up && exec sleep 3600'], { stdio: 'ignore' })
}

interface Pod {
  readonly index: number
  readonly containers: number[]
}

function podsFor(containers: number): Pod[] {
  const pods = Math.min(MAX_PODS, Math.ceil(containers / 1.5))
  const out: Pod[] = Array.from({ length: pods }, (_, index) => ({ index, containers: [] }))
  for (let c = 0; c < containers; c++) (out[c % pods] as Pod).containers.push(c)
  return out
}

function buildNode(version: string, containers: number, netPid: number | undefined): { sysfs: string; rootfs: string; dispose: () => void } {
  const sysfs = mkdtempSync(join(tmpdir(), 'odin-series-sys-'))
  const rootfs = mkdtempSync(join(tmpdir(), 'odin-series-root-'))
  for (const e of readdirSync('/sys')) if (e !== 'fs') symlinkSync(`/sys/${e}`, join(sysfs, e))
  mkdirSync(join(sysfs, 'fs'))
  for (const e of readdirSync('/sys/fs')) if (e !== 'cgroup') symlinkSync(`/sys/fs/${e}`, join(sysfs, 'fs', e))
  const cg = join(sysfs, 'fs', 'cgroup')
  mkdirSync(cg, { recursive: true })
  const dev = diskDev()
  const procs = netPid === undefined ? '' : `${netPid}\n`
  const v2 = version === 'v2'
  if (v2) write(join(cg, 'cgroup.controllers'), 'cpuset cpu io memory pids\n')
  const dirs = (rel: string) => (v2 ? [join(cg, rel)] : ['memory', 'cpu', 'cpuacct', 'blkio'].map((c) => join(cg, c, rel)))
  for (let s = 0; s < 40; s++) for (const d of dirs(`system.slice/svc-${s}.service`)) mkdirSync(d, { recursive: true })
  for (const pod of podsFor(containers)) {
    const podRel = v2 ? `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uidOf(pod.index).replaceAll('-', '_')}.slice` : `kubepods/burstable/pod${uidOf(pod.index)}`
    const scope = (id: string) => (v2 ? `cri-containerd-${id}.scope` : id)
    const members = [{ id: sandboxIdOf(pod.index), sandbox: true, c: -1 }, ...pod.containers.map((c) => ({ id: idOf(c), sandbox: false, c }))]
    for (const m of members) {
      const rel = `${podRel}/${scope(m.id)}`
      const limited = m.c % 2 === 0
      if (v2) {
        const d = join(cg, rel)
        write(join(d, 'cgroup.procs'), m.sandbox ? procs : '')
        write(join(d, 'cpu.stat'), `usage_usec ${1000 * (m.c + 2)}\nuser_usec 1\nsystem_usec 1\nnr_periods 10\nnr_throttled 1\nthrottled_usec 100\n`)
        write(join(d, 'cpu.max'), limited ? '50000 100000\n' : 'max 100000\n')
        write(join(d, 'memory.current'), '104857600\n')
        write(join(d, 'memory.stat'), 'anon 83886080\nfile 20971520\ninactive_file 10485760\nactive_file 1\n')
        write(join(d, 'memory.max'), limited ? '536870912\n' : 'max\n')
        write(join(d, 'memory.swap.current'), '0\n')
        write(join(d, 'memory.events'), 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n')
        write(join(d, 'io.stat'), `${dev} rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n`)
        write(join(cg, podRel, 'memory.events'), 'oom_kill 0\n')
      } else {
        write(join(cg, 'memory', rel, 'memory.usage_in_bytes'), '104857600\n')
        write(join(cg, 'memory', rel, 'memory.stat'), 'cache 1\nrss 2\ntotal_cache 20971520\ntotal_rss 83886080\ntotal_swap 0\ntotal_inactive_file 10485760\n')
        write(join(cg, 'memory', rel, 'memory.limit_in_bytes'), limited ? '536870912\n' : '9223372036854771712\n')
        write(join(cg, 'memory', rel, 'memory.use_hierarchy'), '1\n')
        write(join(cg, 'memory', rel, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n')
        write(join(cg, 'memory', rel, 'cgroup.procs'), m.sandbox ? procs : '')
        write(join(cg, 'cpu', rel, 'cpu.stat'), 'nr_periods 10\nnr_throttled 1\nthrottled_time 1000\n')
        write(join(cg, 'cpu', rel, 'cpu.cfs_quota_us'), limited ? '50000\n' : '-1\n')
        write(join(cg, 'cpu', rel, 'cpu.cfs_period_us'), '100000\n')
        write(join(cg, 'cpu', rel, 'cgroup.procs'), m.sandbox ? procs : '')
        write(join(cg, 'cpuacct', rel, 'cpuacct.usage'), `${1_000_000 * (m.c + 2)}\n`)
        write(join(cg, 'blkio', rel, 'blkio.throttle.io_serviced'), `${dev} Read 1\n${dev} Write 2\n${dev} Total 3\nTotal 3\n`)
        write(join(cg, 'blkio', rel, 'blkio.throttle.io_service_bytes'), `${dev} Read 4096\n${dev} Write 8192\n${dev} Total 12288\nTotal 12288\n`)
      }
      const annotations = m.sandbox
        ? {
            'io.kubernetes.cri.container-type': 'sandbox',
            'io.kubernetes.cri.sandbox-name': `app-${pod.index}`,
            'io.kubernetes.cri.sandbox-namespace': 'shop',
            'io.kubernetes.cri.sandbox-uid': uidOf(pod.index),
          }
        : {
            'io.kubernetes.cri.container-type': 'container',
            'io.kubernetes.cri.container-name': `c${m.c}`,
            'io.kubernetes.cri.sandbox-name': `app-${pod.index}`,
            'io.kubernetes.cri.sandbox-namespace': 'shop',
            'io.kubernetes.cri.sandbox-uid': uidOf(pod.index),
            'io.kubernetes.cri.image-name': 'registry.example/shop/app:1.2.3',
          }
      write(join(rootfs, 'run/containerd/io.containerd.runtime.v2.task/k8s.io', m.id, 'config.json'), JSON.stringify({ annotations }))
      if (!m.sandbox) {
        mkdirSync(join(rootfs, 'var/log/containers'), { recursive: true })
        symlinkSync(`/var/log/pods/shop_app-${pod.index}_${uidOf(pod.index)}/c${m.c}/0.log`, join(rootfs, 'var/log/containers', `app-${pod.index}_shop_c${m.c}-${m.id}.log`))
      }
    }
  }
  return { sysfs, rootfs, dispose: () => [sysfs, rootfs].forEach((d) => rmSync(d, { recursive: true, force: true })) }
}

const CONTAINER_FAMILY = /^(container_|odin_container_info|odin_container_restarts_total|odin_pod_oom_kills_total)/

function count(body: string): { total: number; containers: number; resolved: string; dropped: string } {
  let total = 0
  let containers = 0
  for (const line of body.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    total++
    if (CONTAINER_FAMILY.test(line)) containers++
  }
  const state = (s: string) => new RegExp(`^odin_containers\\{state="${s}"\\} (\\d+)`, 'm').exec(body)?.[1] ?? '-'
  return { total, containers, resolved: state('resolved'), dropped: state('dropped') }
}

await ensureBinary()
const net = process.getuid?.() === 0 && spawnSync('unshare', ['--net', 'true']).status === 0 ? podNetwork() : undefined
if (!net) console.log('no network namespace (not root or no unshare): pods get no network series')
await new Promise((r) => setTimeout(r, 300))
try {
  console.log('cgroup | containers | pods | resolved | agent series | container series | other series')
  for (const version of VERSIONS) {
    for (const n of COUNTS) {
      const node = buildNode(version, n, net?.pid)
      const agent = await startAgent([`--path.sysfs=${node.sysfs}`, `--path.rootfs=${node.rootfs}`, '--path.procfs=/proc', ...EXTRA])
      try {
        // Wait for a tick that saw the containers (the first may race the listener).
        await waitFor(
          async () => {
            const text = await (await fetch(`${agent.url}/metrics`)).text()
            return n === 0 || /^odin_containers\{state="resolved"\} [1-9]/m.test(text) ? text : undefined
          },
          20_000,
          'a snapshot with containers',
        )
        await new Promise((r) => setTimeout(r, 1500))
        const text = await (await fetch(`${agent.url}/metrics`)).text()
        if (SAVE !== undefined) writeFileSync(join(SAVE, `${version}-${n}.prom`), text)
        const c = count(text)
        const pods = n === 0 ? 0 : podsFor(n).length
        console.log(`${version} | ${n} | ${pods} | ${c.resolved} | ${c.total} | ${c.containers} | ${c.total - c.containers}`)
      } finally {
        await agent.stop()
        node.dispose()
      }
    }
  }
} finally {
  net?.kill('SIGTERM')
}
