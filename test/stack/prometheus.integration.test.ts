// The compiled agent on this live host, scraped by a real Prometheus loaded with rules/:
// every rule evaluates, every dashboard query parses, and queries over metrics the agent
// exports return data (label mismatches show up as empty results). Also checks that the
// binary embeds rules, dashboards and manifests.
import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { diskAssetSource } from '../../src/assets/asset-source.ts'
import { DEFAULT_OPTIONS, buildManifests } from '../../src/cli/manifests/render.ts'
import { allCollectors } from '../../src/collectors/index.ts'
import { ensureBinary, freePort, stopChildren, waitFor } from '../helpers/binary.ts'
import { queryPrometheus, scrapeConfig, startPrometheus } from '../helpers/prometheus.ts'
import type { PromResult } from '../helpers/prometheus.ts'
import { findTool, loadDashboards, loadRules, metricNames, queriesOf, repoRoot, ruleFiles, variablesOf } from './stack-files.ts'
import type { Query } from './stack-files.ts'

const prometheusBin = findTool('prometheus')
const tmp = mkdtempSync(join(tmpdir(), 'odin-stack-'))
const children: ChildProcess[] = []
let agentBin: string | undefined
let promUrl = ''
let instance = ''
let fakeGpu = false

function start(file: string, args: string[], log: string): ChildProcess {
  const out = join(tmp, log)
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const chunks: Buffer[] = []
  child.stdout?.on('data', (b: Buffer) => chunks.push(b))
  child.stderr?.on('data', (b: Buffer) => chunks.push(b))
  child.on('exit', () => writeFileSync(out, Buffer.concat(chunks)))
  children.push(child)
  return child
}

async function query(expr: string): Promise<PromResult> {
  return queryPrometheus(promUrl, expr)
}

/** Grafana's variables as this test's Prometheus sees them. */
function substitute(expr: string): string {
  return expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '15s')
    .replaceAll('$__range', '5m')
    .replaceAll('$job', 'odin-agent')
    .replaceAll('$instance', instance)
    .replaceAll('$gpu', '.+')
    .replaceAll('$groupname', '.+')
    .replaceAll('$namespace', '.+')
    .replaceAll('$pod', '.+')
    .replaceAll('$container', '.+')
}

beforeAll(async () => {
  agentBin = process.env.ODIN_AGENT_BINARY ?? (await ensureBinary())
  if (!prometheusBin) {
    return
  }
  const agentPort = await freePort()
  instance = `127.0.0.1:${agentPort}`
  const args = [`--web.listen-address=${instance}`, `--data-dir=${join(tmp, 'data')}`, '--sampler.interval=1s', '--log.format=json']
  // GPU series from the project's fake nvidia-smi replaying an H100 capture, and XIDs
  // from a kernel-log fixture, so the GPU panels meet real label sets too.
  const fake = join(repoRoot, 'test', 'bin', 'fake-nvidia-smi')
  const capture = join(repoRoot, 'test', 'fixtures', 'nvidia-smi', 'h100-sxm-2gpu.xml')
  const kmsg = join(repoRoot, 'test', 'fixtures', 'kmsg', 'xid.kmsg')
  const names = new Set(allCollectors.map((c) => c.name))
  if (names.has('gpu') && names.has('gpu_xid') && [fake, capture, kmsg].every((f) => existsSync(f))) {
    const control = join(tmp, 'fake-smi.json')
    const wrapper = join(tmp, 'nvidia-smi')
    writeFileSync(control, JSON.stringify({ mode: 'replay', capture }))
    writeFileSync(wrapper, `#!/bin/sh\nexec '${process.execPath}' '${fake}' --control '${control}' "$@"\n`, { mode: 0o755 })
    args.push(`--collector.gpu.nvidia-smi-path=${wrapper}`, `--collector.gpu_xid.kmsg-path=${kmsg}`)
    fakeGpu = true
  } else {
    console.warn('no fake nvidia-smi or fixtures: the GPU panels are only parsed, not filled')
  }
  start(agentBin, args, 'agent.log')
  await waitFor(async () => (await fetch(`http://${instance}/ready`, { signal: AbortSignal.timeout(2000) })).status === 200, 30_000, 'the agent to be ready')

  const prom = await startPrometheus({
    bin: prometheusBin,
    dir: tmp,
    config: scrapeConfig(
      instance,
      ruleFiles().map((f) => join(repoRoot, 'rules', f)),
    ),
  })
  children.push(prom.child)
  promUrl = prom.url
  // Rates need two scrapes and recording rules one evaluation after that.
  await waitFor(
    async () => {
      const up = await query('up{job="odin-agent"} == 1')
      const cpu = await query('instance:node_cpu_utilisation:rate5m')
      return up.data.result.length === 1 && cpu.data.result.length === 1
    },
    60_000,
    'the agent target and the node recording rules',
  )
  await waitFor(
    async () => {
      const res = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as { data: { groups: { rules: { health: string }[] }[] } }
      return res.data.groups.every((g) => g.rules.every((r) => r.health !== 'unknown'))
    },
    30_000,
    'every rule group to be evaluated',
  )
}, 420_000)

afterAll(async () => {
  await stopChildren(children)
  rmSync(tmp, { recursive: true, force: true })
})

const dashboards = loadDashboards()
const promQueries: Query[] = dashboards.flatMap(queriesOf).filter((q) => q.kind === 'prometheus')

/**
 * A query that filters by comparing with a constant may be empty on a healthy host; so may
 * anomaly scores filtered by pod labels (only the pod detector sets them).
 */
function mayBeEmpty(q: Query): boolean {
  return (
    /(?<!bool\s*)(==|>|<)\s*[\d.]/.test(q.expr) ||
    /\bALERTS\b/.test(q.expr) ||
    /^topk\(10, odin_gpu_process_memory_bytes/.test(q.expr) ||
    /odin_anomaly\w*\{[^}]*pod=~/.test(q.expr)
  )
}

describe('agent and Prometheus with rules/', () => {
  test('the agent binary is built', () => {
    expect(agentBin && existsSync(agentBin)).toBeTruthy()
  })

  test('Prometheus is installed (.ci/run installs Debian prometheus)', (ctx) => {
    if (!prometheusBin) {
      console.warn('SKIPPED: prometheus not found on PATH; the live integration checks did not run')
      ctx.skip()
    }
  })

  const ready = () => Boolean(agentBin && prometheusBin && promUrl)

  test('every recording and alerting rule loads and evaluates without error', async (ctx) => {
    if (!ready()) {
      ctx.skip()
    }
    const res = (await (await fetch(`${promUrl}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; file: string; rules: { name: string; health: string; lastError?: string }[] }[] }
    }
    const { alerts, records } = loadRules()
    const loaded = res.data.groups.flatMap((g) => g.rules)
    expect(loaded).toHaveLength(alerts.length + records.length)
    expect(loaded.filter((r) => r.health !== 'ok').map((r) => `${r.name}: ${r.health} ${r.lastError ?? ''}`)).toEqual([])
  })

  test('the host recording rules have data', async (ctx) => {
    if (!ready()) {
      ctx.skip()
    }
    for (const rec of [
      'instance:node_num_cpu:sum',
      'instance:node_cpu_utilisation:rate5m',
      'instance:node_load1_per_cpu:ratio',
      'instance:node_memory_utilisation:ratio',
      'instance:node_filesystem_usage:max',
      'instance:node_network_receive_bytes_excluding_lo:rate5m',
      'instance:odin_scrape_collector_failed:sum',
    ]) {
      const r = await query(rec)
      expect(
        r.data.result.map((s) => s.metric.instance),
        rec,
      ).toEqual([instance])
    }
  })

  test.for(promQueries.map((q) => [`${q.dashboard} / ${q.panel} / ${q.refId}`, q] as const))('%s parses and evaluates', async ([, q], ctx) => {
    if (!ready()) {
      ctx.skip()
    }
    const r = await query(substitute(q.expr))
    expect(r.error, substitute(q.expr)).toBeUndefined()
    expect(r.status).toBe('success')
  })

  test('dashboard variables resolve', async (ctx) => {
    if (!ready()) {
      ctx.skip()
    }
    for (const d of dashboards) {
      for (const v of variablesOf(d).filter((v) => v.type === 'query' && v.datasource?.type === 'prometheus')) {
        const m = /^label_values\((.*),\s*(\w+)\)$/.exec(v.definition ?? '')
        expect(m, v.name).not.toBeNull()
        const r = await query(`count by (${m?.[2]}) (${substitute(m?.[1] ?? '')})`)
        expect(r.status, `${d.file} $${v.name}`).toBe('success')
        if (v.name === 'job' || v.name === 'instance') {
          expect(
            r.data.result.map((s) => s.metric[m?.[2] ?? '']),
            `${d.file} $${v.name}`,
          ).toEqual([v.name === 'job' ? 'odin-agent' : instance])
        }
      }
    }
  })

  test('queries over metrics the agent exports return data', async (ctx) => {
    if (!ready()) {
      ctx.skip()
    }
    const names = new Set(((await (await fetch(`${promUrl}/api/v1/label/__name__/values`)).json()) as { data: string[] }).data)
    const empty: string[] = []
    const withData: Query[] = []
    const absent = new Set<string>()
    for (const q of promQueries) {
      const missing = metricNames(q.expr).filter((m) => !names.has(m))
      if (missing.length > 0) {
        missing.forEach((m) => absent.add(m))
        continue
      }
      const r = await query(substitute(q.expr))
      if (r.data.result.length > 0) {
        withData.push(q)
      } else if (!mayBeEmpty(q)) {
        empty.push(`${q.dashboard} / ${q.panel} / ${q.refId}: ${substitute(q.expr)}`)
      }
    }
    console.info(`${withData.length} of ${promQueries.length} dashboard queries returned data; metrics this host does not export: ${[...absent].sort().join(' ')}`)
    expect(empty, 'queries whose metrics exist but which return nothing (a label mismatch?)').toEqual([])
    // The host panels every Linux machine can fill.
    const mustHaveData = [
      'Uptime',
      'CPU cores',
      'Memory',
      'CPU busy',
      'Memory used',
      'Fullest filesystem',
      'Load per CPU',
      'CPU usage by mode',
      'Load average',
      'Swap',
      'Disk IOPS',
      'Disk throughput',
      'Disk busy and queue',
      'Space used',
      'Inodes used',
      'Filesystems',
      'Network traffic',
      'Packets',
      'Context switches and interrupts',
      'Processes',
      'File descriptors',
    ]
    const filled = new Set(withData.filter((q) => q.dashboard === 'node.json').map((q) => q.panel))
    expect(mustHaveData.filter((p) => !filled.has(p))).toEqual([])
    const overview = new Set(withData.filter((q) => q.dashboard === 'overview.json').map((q) => `${q.panel}/${q.refId}`))
    for (const ref of ['A', 'B', 'C', 'D', 'E', 'J']) {
      expect(overview, `Node health ${ref}`).toContain(`Node health/${ref}`)
    }
    expect(overview).toContain('Collector health/A')
    if (fakeGpu) {
      const gpu = new Set(withData.filter((q) => q.dashboard === 'gpu.json').map((q) => q.panel))
      const gpuPanels = [
        'GPU inventory',
        'GPU collector',
        'Last successful read',
        'GPU temperature',
        'Memory (HBM) temperature',
        'Power draw',
        'Throttle reasons',
        'GPU utilisation',
        'Framebuffer memory used',
        'Framebuffer memory',
        'Clocks',
        'GPU memory by process',
        'Memory health',
      ]
      expect(gpuPanels.filter((p) => !gpu.has(p))).toEqual([])
      expect(overview).toContain('GPU health/A')
      expect(overview).toContain('Node health/F')
    }
  })
})

describe('the binary embeds the stack', () => {
  test('`odin-agent manifests` from the binary prints what the checkout renders', () => {
    expect(agentBin).toBeTruthy()
    let out: string
    try {
      out = execFileSync(agentBin as string, ['manifests'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 })
    } catch (err) {
      const e = err as { stderr?: string }
      throw new Error(`odin-agent manifests failed: ${e.stderr ?? String(err)}`)
    }
    const version = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version
    const fromBinary = parseAllDocuments(out).map((d) => d.toJS() as unknown)
    const fromCheckout = buildManifests(diskAssetSource(repoRoot), { ...DEFAULT_OPTIONS, version: process.env.ODIN_VERSION ?? version })
    expect(fromBinary).toEqual(JSON.parse(JSON.stringify(fromCheckout)))
  })
})
