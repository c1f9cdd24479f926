// How many nodes one Prometheus holds: the agent's real /metrics body, captured from the
// compiled agent on this host, served as N distinct targets (instance and node vary, as
// the odin-agent job sets them; values move every scrape so the TSDB compresses real
// change, not constants) from one process, scraped by a real Prometheus every 15 s with
// the rules in rules/ loaded. For each N: active head series, samples appended per second,
// Prometheus RSS and CPU over the last `--duration` seconds after a warm-up.
//
//   bun bench/scale.ts [--n 10,50,200] [--duration 60] [--warmup 35] [--body FILE] [--binary PATH]
//
// A body with container series (bench/series-per-node.ts --save) gets its pod, id, name,
// container_id and uid values prefixed per target, so every node's containers are distinct.
//
// Part of `npm run bench`; runs alone as above. Needs `prometheus` on PATH (Debian's).
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, waitFor } from '../test/helpers/binary.ts'
import { ensureAgentBinary, residentMiB, startPeer } from './peers.ts'

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? process.argv[i + 1] : undefined
}
const sizes = (arg('n') ?? '10,50,200').split(',').map(Number)
const durationS = Number(arg('duration') ?? 60)
const warmupS = Number(arg('warmup') ?? 35)
const SCRAPE_S = 15
const repoRoot = join(import.meta.dirname, '..')
const tmp = mkdtempSync(join(tmpdir(), 'odin-scale-'))
const CLK_TCK = 100

/** The agent's exposition after a couple of samples, as this host produces it. */
async function captureBody(): Promise<string> {
  const file = arg('body')
  if (file !== undefined) {
    return readFileSync(file, 'utf8')
  }
  await ensureAgentBinary()
  const agent = await startPeer('odin-agent', '1s')
  try {
    await new Promise((r) => setTimeout(r, 5000))
    return await (await fetch(agent.url)).text()
  } finally {
    agent.child.kill('SIGTERM')
  }
}

interface Line {
  head: string
  value: number
  step: number
  /** A container or pod series: its identity labels get a per-target prefix (below). */
  vary: boolean
}

/** Container series carry pod, container ID and cgroup path: distinct per node, as on a cluster. */
const CONTAINER_SERIES = /^(container_|odin_container_|odin_pod_)/
const IDENTITY_LABELS = /([{,](?:pod|id|name|container_id|uid)=")/g

/** Sample lines split into series and value; each series gets its own per-scrape step. */
function parseBody(body: string): { lines: (Line | string)[]; series: number } {
  let series = 0
  const lines = body.split('\n').map((l): Line | string => {
    if (l === '' || l.startsWith('#')) {
      return l
    }
    const sp = l.lastIndexOf(' ')
    const value = Number(l.slice(sp + 1))
    series++
    if (!Number.isFinite(value)) {
      return l
    }
    const name = l.slice(0, l.search(/[{ ]/))
    const counter = name.endsWith('_total') || name.endsWith('_seconds_total') || name.endsWith('_count') || name.endsWith('_sum')
    // Counters rise by a series-specific amount; gauges wander around their captured value.
    const step = counter ? 1 + (series % 13) * 0.37 : value === 0 ? 0 : ((series % 5) - 2) * 0.001 * Math.abs(value)
    return { head: l.slice(0, sp + 1), value, step, vary: CONTAINER_SERIES.test(name) }
  })
  return { lines, series }
}

/** One process, N targets at /t/<i>/metrics; each target's values advance on each scrape. */
function serveTargets(lines: (Line | string)[]): Promise<{ server: Server; port: number }> {
  const scrapes = new Map<string, number>()
  const server = createServer((req, res) => {
    const m = /^\/t\/(\d+)\/metrics$/.exec(req.url ?? '')
    if (!m) {
      res.writeHead(404).end()
      return
    }
    const k = (scrapes.get(m[1] as string) ?? 0) + 1
    scrapes.set(m[1] as string, k)
    const prefix = `$1n${m[1]}-`
    const out = lines
      .map((l) => (typeof l === 'string' ? l : `${l.vary ? l.head.replace(IDENTITY_LABELS, prefix) : l.head}${l.step === 0 ? l.value : l.value + k * l.step}`))
      .join('\n')
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(out)
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })))
}

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK
}

/** Sum of a metric's samples in Prometheus' own /metrics (it does not scrape itself here). */
async function selfMetric(base: string, name: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text()
  let sum = 0
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) {
    sum += Number(m[1])
  }
  return sum
}

async function promQuery(base: string, expr: string): Promise<number> {
  const body = (await (await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as { data: { result: { value: [number, string] }[] } }
  return Number(body.data.result[0]?.value[1] ?? Number.NaN)
}

interface Row {
  n: number
  headSeries: number
  samplesPerS: number
  rssMiB: number
  cpuMilli: number
  scrapeMs: number
}

async function measure(n: number, targetPort: number): Promise<Row> {
  const dir = mkdtempSync(join(tmp, `n${n}-`))
  const rules = readdirSync(join(repoRoot, 'rules'))
    .filter((f) => f.endsWith('.yml'))
    .map((f) => join(repoRoot, 'rules', f))
  const targets = Array.from({ length: n }, (_, i) => ({
    targets: [`127.0.0.1:${targetPort}`],
    labels: { __metrics_path__: `/t/${i}/metrics`, instance: `node-${i}`, node: `node-${i}` },
  }))
  writeFileSync(
    join(dir, 'prometheus.yml'),
    JSON.stringify({
      global: { scrape_interval: `${SCRAPE_S}s`, evaluation_interval: '30s' },
      rule_files: rules,
      scrape_configs: [{ job_name: 'odin-agent', static_configs: targets }],
    }),
  )
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const prom: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: 'ignore' },
  )
  try {
    await waitFor(async () => (await fetch(`${base}/-/ready`)).ok, 30_000, 'Prometheus to be ready')
    await new Promise((r) => setTimeout(r, warmupS * 1000))
    const pid = prom.pid as number
    const cpu0 = cpuSeconds(pid)
    const samples0 = await selfMetric(base, 'prometheus_tsdb_head_samples_appended_total')
    const t0 = Date.now()
    await new Promise((r) => setTimeout(r, durationS * 1000))
    const cpu1 = cpuSeconds(pid)
    const samples1 = await selfMetric(base, 'prometheus_tsdb_head_samples_appended_total')
    const elapsed = (Date.now() - t0) / 1000
    return {
      n,
      headSeries: await selfMetric(base, 'prometheus_tsdb_head_series'),
      samplesPerS: (samples1 - samples0) / elapsed,
      rssMiB: residentMiB(pid).rss,
      cpuMilli: ((cpu1 - cpu0) / elapsed) * 1000,
      scrapeMs: (await promQuery(base, 'avg(scrape_duration_seconds{job="odin-agent"})')) * 1000,
    }
  } finally {
    prom.kill('SIGTERM')
    await new Promise((r) => prom.once('exit', r))
  }
}

if (spawnSync('prometheus', ['--version']).status !== 0) {
  console.log('bench/scale.ts: prometheus not on PATH, skipped')
  process.exit(0)
}
const version = String(spawnSync('prometheus', ['--version']).stderr ?? '').split('\n')[0] || String(spawnSync('prometheus', ['--version']).stdout).split('\n')[0]
const body = await captureBody()
writeFileSync(join(tmp, 'agent-metrics.prom'), body)
const { lines, series } = parseBody(body)
const { server, port } = await serveTargets(lines)
console.log(
  `${version}; agent body ${series} series, ${(body.length / 1024).toFixed(0)} KiB; scrape ${SCRAPE_S}s, rules/ loaded; warm-up ${warmupS}s, measured ${durationS}s per N`,
)
console.log('| N targets | head series | samples/s | Prometheus RSS MiB | Prometheus CPU mCPU | scrape ms |')
console.log('| ---: | ---: | ---: | ---: | ---: | ---: |')
const rows: Row[] = []
try {
  for (const n of sizes) {
    const r = await measure(n, port)
    rows.push(r)
    console.log(`| ${r.n} | ${r.headSeries} | ${r.samplesPerS.toFixed(0)} | ${r.rssMiB.toFixed(1)} | ${r.cpuMilli.toFixed(1)} | ${r.scrapeMs.toFixed(1)} |`)
  }
} finally {
  server.close()
  rmSync(tmp, { recursive: true, force: true })
}
const first = rows[0]
const last = rows.at(-1)
if (first && last && last.headSeries > first.headSeries) {
  const perSeries = ((last.rssMiB - first.rssMiB) * 1024 * 1024) / (last.headSeries - first.headSeries)
  console.log(
    `RSS slope ${N(perSeries)} bytes per head series, CPU slope ${((last.cpuMilli - first.cpuMilli) / (last.n - first.n)).toFixed(2)} mCPU per node (N ${first.n} -> ${last.n})`,
  )
}
function N(x: number): string {
  return x.toFixed(0)
}
