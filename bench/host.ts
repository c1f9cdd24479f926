// Side-by-side cost of odin-agent and Debian's node_exporter on this host.
// Run: npm run bench (or: npx bun bench/host.ts [--scrapes 500])
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { readFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binaryPath, ensureBinary, freePort, waitFor } from '../test/helpers/binary.ts'

const SCRAPES = Number(process.argv[process.argv.indexOf('--scrapes') + 1]) || 500
const IDLE_SECONDS = 10
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

interface Result {
  name: string
  cpuMsPerScrape: number
  renderCpuMs: number
  tickCpuMs: number
  p50: number
  p99: number
  series: number
  rss: number
}

async function measure(name: string, child: ChildProcess, url: string, sampleIntervalS: number | null): Promise<Result> {
  const pid = child.pid as number
  await waitFor(async () => (await fetch(url)).ok, 20_000, `${name} to answer`)
  for (let i = 0; i < 20; i++) {
    await (await fetch(url)).text()
  }
  // Idle phase: what the process burns between scrapes (the agent's sampler ticks).
  const idle0 = cpuSeconds(pid)
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000))
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
  // With Prometheus scraping once per sampler interval, each scrape also pays one tick.
  const tickCpuMs = sampleIntervalS === null ? 0 : idleCpuPerS * sampleIntervalS * 1000
  return {
    name,
    cpuMsPerScrape: renderCpuMs + tickCpuMs,
    renderCpuMs,
    tickCpuMs,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    series,
    rss: rssMiB(pid),
  }
}

async function main() {
  await ensureBinary()
  const nePort = await freePort()
  const agentPort = await freePort()
  const ne = spawn('prometheus-node-exporter', [`--web.listen-address=127.0.0.1:${nePort}`], { stdio: 'ignore' })
  const agent = spawn(binaryPath, [`--web.listen-address=127.0.0.1:${agentPort}`, '--sampler.interval=1s', `--data-dir=${mkdtempSync(join(tmpdir(), 'odin-bench-'))}`, '--log.level=warn'], { stdio: 'ignore' })
  try {
    const neRes = await measure('node_exporter', ne, `http://127.0.0.1:${nePort}/metrics`, null)
    const agRes = await measure('odin-agent', agent, `http://127.0.0.1:${agentPort}/metrics`, 1)
    const row = (r: Result) =>
      `${r.name.padEnd(14)} ${r.cpuMsPerScrape.toFixed(2).padStart(8)} ${r.renderCpuMs.toFixed(2).padStart(9)} ${r.tickCpuMs.toFixed(2).padStart(8)} ${r.p50.toFixed(2).padStart(7)} ${r.p99.toFixed(2).padStart(7)} ${String(r.series).padStart(7)} ${r.rss.toFixed(1).padStart(8)}`
    console.log(`host bench: ${SCRAPES} sequential scrapes each, ${IDLE_SECONDS} s idle phase; agent sampling every 1 s (one tick per scrape charged)`)
    console.log('process        cpu ms/scrape  render  tick    p50 ms  p99 ms  series  RSS MiB')
    console.log(row(neRes))
    console.log(row(agRes))
    console.log(`ratio agent/node_exporter: cpu ${(agRes.cpuMsPerScrape / neRes.cpuMsPerScrape).toFixed(2)}, p99 ${(agRes.p99 / neRes.p99).toFixed(2)}; agent RSS ${agRes.rss.toFixed(1)} MiB (budget 64)`)
  } finally {
    ne.kill('SIGKILL')
    agent.kill('SIGKILL')
  }
}

await main()
process.exit(0)
