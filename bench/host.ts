// Side-by-side cost of odin-agent and Debian's node_exporter on this host.
// Run: npm run bench (or: npx bun bench/host.ts [--scrapes 500] [--runs 3] [--cold-seconds 90]
//      [--binary path/to/odin-agent])
//
// Per run, each process is started fresh and measured alone: an idle phase (what it burns
// between scrapes; for the agent that is its sampler ticking every 1 s), then sequential
// scrapes. Prometheus scraping every 15 s gets one sampler tick per scrape, so each scrape
// is charged its render CPU plus one interval of idle CPU (both processes alike). A tick
// at --sampler.interval=15s runs on a colder JIT and heap than at 1 s, so the cold phase
// measures it directly, and the larger of the two tick costs is the one charged.
// Every figure is the median over the runs.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { readFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binaryPath, ensureBinary, freePort, waitFor } from '../test/helpers/binary.ts'

const option = (name: string, dflt: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || dflt
const SCRAPES = option('scrapes', 500)
const RUNS = option('runs', 3)
const IDLE_SECONDS = option('idle-seconds', 20)
const COLD_SECONDS = process.argv.includes('--cold-seconds') ? option('cold-seconds', 0) : 90
const COLD_INTERVAL_S = 15
const binaryIndex = process.argv.indexOf('--binary')
const agentBinary = binaryIndex > 0 ? (process.argv[binaryIndex + 1] as string) : binaryPath
const CLK_TCK = 100

function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[11]) + Number(f[12])) / CLK_TCK
}

function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : Number.NaN
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number
}
const median = (xs: number[]) => percentile(xs, 50)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Result {
  cpuMsPerScrape: number
  renderCpuMs: number
  tickCpuMs: number
  p50: number
  p99: number
  series: number
  rss: number
}

async function measure(name: string, child: ChildProcess, url: string, intervalS: number): Promise<Result> {
  const pid = child.pid as number
  await waitFor(async () => (await fetch(url)).ok, 20_000, `${name} to answer`)
  for (let i = 0; i < 20; i++) {
    await (await fetch(url)).text()
  }
  const idle0 = cpuSeconds(pid)
  await sleep(IDLE_SECONDS * 1000)
  const idleCpuPerS = (cpuSeconds(pid) - idle0) / IDLE_SECONDS

  const latencies: number[] = []
  let series = 0
  const cpu0 = cpuSeconds(pid)
  const t0 = performance.now()
  for (let i = 0; i < SCRAPES; i++) {
    const s = performance.now()
    const body = await (await fetch(url)).text()
    latencies.push(performance.now() - s)
    if (i === 0) {
      series = body.split('\n').filter((l) => l && !l.startsWith('#')).length
    }
  }
  const elapsedS = (performance.now() - t0) / 1000
  const busyCpu = cpuSeconds(pid) - cpu0
  // Scrape-only CPU: subtract what the idle phase says the process spends anyway.
  const renderCpuMs = (Math.max(0, busyCpu - idleCpuPerS * elapsedS) / SCRAPES) * 1000
  const tickCpuMs = idleCpuPerS * intervalS * 1000
  return { cpuMsPerScrape: renderCpuMs + tickCpuMs, renderCpuMs, tickCpuMs, p50: percentile(latencies, 50), p99: percentile(latencies, 99), series, rss: rssMiB(pid) }
}

const agentArgs = (port: number, interval: string) => [`--web.listen-address=127.0.0.1:${port}`, `--sampler.interval=${interval}`, `--data-dir=${mkdtempSync(join(tmpdir(), 'odin-bench-'))}`, '--log.level=warn']

async function run(kind: 'node_exporter' | 'odin-agent'): Promise<Result> {
  const port = await freePort()
  const child =
    kind === 'node_exporter'
      ? spawn('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${port}`], { stdio: 'ignore' })
      : spawn(agentBinary, agentArgs(port, '1s'), { stdio: 'ignore' })
  try {
    return await measure(kind, child, `http://127.0.0.1:${port}/metrics`, 1)
  } finally {
    child.kill('SIGKILL')
  }
}

/** CPU per tick at a 15 s interval: idle CPU over whole intervals, no scrapes. */
async function coldTickMs(): Promise<number> {
  const port = await freePort()
  const child = spawn(agentBinary, agentArgs(port, `${COLD_INTERVAL_S}s`), { stdio: 'ignore' })
  try {
    const pid = child.pid as number
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`)).ok, 20_000, 'odin-agent to answer')
    await sleep(COLD_INTERVAL_S * 1000) // first tick (startup, JIT) done
    const cpu0 = cpuSeconds(pid)
    await sleep(COLD_SECONDS * 1000)
    return ((cpuSeconds(pid) - cpu0) / (COLD_SECONDS / COLD_INTERVAL_S)) * 1000
  } finally {
    child.kill('SIGKILL')
  }
}

function combine(results: Result[]): Result {
  const m = (k: keyof Result) => median(results.map((r) => r[k]))
  return { cpuMsPerScrape: m('cpuMsPerScrape'), renderCpuMs: m('renderCpuMs'), tickCpuMs: m('tickCpuMs'), p50: m('p50'), p99: m('p99'), series: m('series'), rss: m('rss') }
}

async function main() {
  if (binaryIndex < 0) {
    await ensureBinary()
  }
  const ne: Result[] = []
  const ag: Result[] = []
  const cold: number[] = []
  for (let i = 0; i < RUNS; i++) {
    ne.push(await run('node_exporter'))
    ag.push(await run('odin-agent'))
    if (COLD_SECONDS > 0) {
      cold.push(await coldTickMs())
    }
  }
  const neRes = combine(ne)
  const agRes = combine(ag)
  const warmTick = agRes.tickCpuMs
  const coldTick = cold.length ? median(cold) : 0
  const charged = { ...agRes, tickCpuMs: Math.max(warmTick, coldTick), cpuMsPerScrape: agRes.renderCpuMs + Math.max(warmTick, coldTick) }
  const row = (name: string, r: Result) =>
    `${name.padEnd(14)} ${r.cpuMsPerScrape.toFixed(2).padStart(8)} ${r.renderCpuMs.toFixed(2).padStart(9)} ${r.tickCpuMs.toFixed(2).padStart(8)} ${r.p50.toFixed(2).padStart(7)} ${r.p99.toFixed(2).padStart(7)} ${String(r.series).padStart(7)} ${r.rss.toFixed(1).padStart(8)}`
  console.log(`host bench: median of ${RUNS} runs; ${SCRAPES} sequential scrapes each after a ${IDLE_SECONDS} s idle phase; one interval of idle CPU charged per scrape`)
  console.log(`agent tick: ${warmTick.toFixed(2)} ms at --sampler.interval=1s, ${cold.length ? `${coldTick.toFixed(2)} ms at 15s (${COLD_SECONDS} s per run)` : 'cold phase skipped'}; the larger is charged`)
  console.log('process        cpu ms/scrape  render  tick    p50 ms  p99 ms  series  RSS MiB')
  console.log(row('node_exporter', neRes))
  console.log(row('odin-agent', charged))
  console.log(`ratio agent/node_exporter: cpu ${(charged.cpuMsPerScrape / neRes.cpuMsPerScrape).toFixed(2)} (budget 1.0), p99 ${(charged.p99 / neRes.p99).toFixed(2)} (budget 1.0); agent RSS ${charged.rss.toFixed(1)} MiB (budget 64)`)
}

await main()
process.exit(0)
