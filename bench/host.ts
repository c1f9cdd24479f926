// Side-by-side cost of odin-agent, Debian's node_exporter and Debian's process-exporter on
// this host, in one run. The agent replaces both, so its CPU budget is stated against the two
// together (process-exporter grouping by comm, as namedprocess does; see bench/peers.ts).
// Run: npm run bench (or: npx bun bench/host.ts [--scrapes 500] [--runs 3] [--paced-seconds 90]
//      [--binary path/to/odin-agent])
//
// Per run, two phases, each with both processes started fresh:
//  - paced (the CPU figure): all three scraped once every 15 s, as Prometheus does, for
//    --paced-seconds, the agent at --sampler.interval=15s. CPU per scrape is all the CPU the
//    process used in that window (live threads from /proc/PID/task/*/schedstat, ns precision;
//    exited threads from /proc/PID/stat)
//    divided by the scrapes: for the agent that is one sampler tick, one render and the idle
//    runtime between; for node_exporter its collection at scrape time and its idle.
//  - burst (latency and memory): --scrapes back-to-back scrapes, one process at a time, the agent at
//    --sampler.interval=1s so ticks and renders land inside the burst; p50/p99 latency, series
//    and RSS right after the burst (the worst moment for a garbage-collected process).
// Every figure is the median over the runs.
import { readdirSync, readFileSync } from 'node:fs'
import { ensureAgentBinary, hasProcessExporter, numberOption, PROCESS_EXPORTER, residentMiB, startPeer } from './peers.ts'
import type { Peer } from './peers.ts'

const SCRAPES = numberOption('scrapes', 500)
const RUNS = numberOption('runs', 3)
const PACED_SECONDS = numberOption('paced-seconds', 90)
const SCRAPE_INTERVAL_S = 15

const ticks = (statLine: string): number => {
  const f = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ')
  return Number(f[11]) + Number(f[12]) // utime + stime, fields 14 and 15
}

/**
 * CPU seconds of pid: every live thread from its schedstat (ns-precise, unlike /proc's 10 ms
 * ticks), plus the threads that have exited since the process started (Bun's thread pool
 * retires idle workers), which only /proc/PID/stat still counts: its utime+stime minus the
 * live threads' own. Used as a difference over a window, their tick offsets cancel.
 */
function cpuSeconds(pid: number): number {
  let liveNs = 0
  let liveTicks = 0
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const sched = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      liveNs += Number(sched.split(' ')[0])
      liveTicks += ticks(stat)
    } catch {
      // a thread that exited between the listing and the read: /proc/PID/stat has it
    }
  }
  const exitedTicks = ticks(readFileSync(`/proc/${pid}/stat`, 'utf8')) - liveTicks
  return liveNs / 1e9 + exitedTicks / 100
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] as number
}
const median = (xs: number[]) => percentile(xs, 50)
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Result {
  cpuMsPerScrape: number
  burstCpuMs: number
  p50: number
  p99: number
  series: number
  rss: number
}

/** Scraped once every 15 s for PACED_SECONDS after one warm-up interval: CPU ms per scrape. */
async function paced(kind: Peer, offsetMs: number): Promise<number> {
  const { child, url } = await startPeer(kind, `${SCRAPE_INTERVAL_S}s`)
  try {
    const pid = child.pid as number
    await (await fetch(url)).text()
    await sleep(SCRAPE_INTERVAL_S * 1000 + offsetMs) // the first tick (start-up, first compile) is not charged
    const scrapes = Math.max(1, Math.round(PACED_SECONDS / SCRAPE_INTERVAL_S))
    const cpu0 = cpuSeconds(pid)
    for (let i = 0; i < scrapes; i++) {
      await (await fetch(url)).text()
      await sleep(SCRAPE_INTERVAL_S * 1000)
    }
    return ((cpuSeconds(pid) - cpu0) / scrapes) * 1000
  } finally {
    child.kill('SIGKILL')
  }
}

async function burst(kind: Peer): Promise<Omit<Result, 'cpuMsPerScrape'>> {
  const { child, url } = await startPeer(kind, '1s')
  try {
    const pid = child.pid as number
    for (let i = 0; i < 20; i++) {
      await (await fetch(url)).text()
    }
    const latencies: number[] = []
    let series = 0
    const cpu0 = cpuSeconds(pid)
    for (let i = 0; i < SCRAPES; i++) {
      const s = performance.now()
      const body = await (await fetch(url)).text()
      latencies.push(performance.now() - s)
      if (i === 0) {
        series = body.split('\n').filter((l) => l && !l.startsWith('#')).length
      }
    }
    const burstCpuMs = ((cpuSeconds(pid) - cpu0) / SCRAPES) * 1000
    return { burstCpuMs, p50: percentile(latencies, 50), p99: percentile(latencies, 99), series, rss: residentMiB(pid).rss }
  } finally {
    child.kill('SIGKILL')
  }
}

function combine(results: Result[]): Result {
  const m = (k: keyof Result) => median(results.map((r) => r[k]))
  return { cpuMsPerScrape: m('cpuMsPerScrape'), burstCpuMs: m('burstCpuMs'), p50: m('p50'), p99: m('p99'), series: m('series'), rss: m('rss') }
}

async function main() {
  await ensureAgentBinary()
  if (!hasProcessExporter()) {
    console.error(`bench/host.ts: ${PROCESS_EXPORTER} is missing: apt-get install prometheus-process-exporter`)
    process.exit(2)
  }
  const peers: Peer[] = ['node_exporter', 'process-exporter', 'odin-agent']
  const results = new Map<Peer, Result[]>(peers.map((p) => [p, []]))
  const slot = (SCRAPE_INTERVAL_S * 1000) / peers.length
  for (let i = 0; i < RUNS; i++) {
    // All paced at once, a third of an interval apart: each is idle while another is scraped.
    const cpu = await Promise.all(peers.map((p, k) => paced(p, k * slot)))
    for (const [k, p] of peers.entries()) {
      results.get(p)?.push({ cpuMsPerScrape: cpu[k] as number, ...(await burst(p)) })
    }
  }
  const [ne, pe, ag] = peers.map((p) => combine(results.get(p) ?? []))
  if (!ne || !pe || !ag) {
    return
  }
  const pair = ne.cpuMsPerScrape + pe.cpuMsPerScrape
  const row = (name: string, r: Result) =>
    `${name.padEnd(16)} ${r.cpuMsPerScrape.toFixed(2).padStart(13)} ${r.burstCpuMs.toFixed(2).padStart(11)} ${r.p50.toFixed(2).padStart(7)} ${r.p99.toFixed(2).padStart(7)} ${String(r.series).padStart(7)} ${r.rss.toFixed(1).padStart(8)}`
  console.log(
    `host bench: median of ${RUNS} runs; CPU per scrape with one scrape every ${SCRAPE_INTERVAL_S} s for ${PACED_SECONDS} s (agent --sampler.interval=${SCRAPE_INTERVAL_S}s); latency and RSS over ${SCRAPES} back-to-back scrapes (agent --sampler.interval=1s)`,
  )
  console.log('process          cpu ms/scrape  burst cpu   p50 ms  p99 ms  series  RSS MiB')
  console.log(row('node_exporter', ne))
  console.log(row('process-exporter', pe))
  console.log(row('odin-agent', ag))
  console.log(
    `ratio agent/(node_exporter+process-exporter): cpu ${(ag.cpuMsPerScrape / pair).toFixed(2)} (budget < 1.0, goal 0.5); agent/node_exporter alone ${(ag.cpuMsPerScrape / ne.cpuMsPerScrape).toFixed(2)}`,
  )
  console.log(`p99 agent/node_exporter ${(ag.p99 / ne.p99).toFixed(2)} (budget 1.0); agent RSS ${ag.rss.toFixed(1)} MiB (budget 64)`)
}

await main()
process.exit(0)
