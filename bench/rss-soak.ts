// Resident memory of odin-agent and Debian's node_exporter over a long run, as Prometheus
// scrapes them (once every 15 s, agent at --sampler.interval=15s). bench/host.ts reads RSS
// seconds after start; this shows where it settles once the JavaScript heap has gone through
// its collection cycles and the allocator through its reuse.
// Run: npx bun bench/rss-soak.ts [--minutes 20] [--binary path/to/odin-agent]
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { binaryPath, ensureBinary, freePort, waitFor } from '../test/helpers/binary.ts'

const option = (name: string, dflt: number) => Number(process.argv[process.argv.indexOf(`--${name}`) + 1]) || dflt
const MINUTES = option('minutes', 20)
const INTERVAL_S = 15
const binaryIndex = process.argv.indexOf('--binary')
const agentBinary = binaryIndex > 0 ? (process.argv[binaryIndex + 1] as string) : binaryPath

/** VmRSS and its anonymous and file-backed parts (the binary's own pages), MiB. */
function memory(pid: number): { rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) / 1024
  return { rss: kib('VmRSS'), anon: kib('RssAnon'), file: kib('RssFile') }
}

async function start(argv0: string, args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort()
  const child = spawn(argv0, [`--web.listen-address=127.0.0.1:${port}`, ...args], { stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}/metrics`
  await waitFor(async () => (await fetch(url)).ok, 20_000, `${argv0} to answer`)
  return { child, url }
}

async function main() {
  if (binaryIndex < 0) {
    await ensureBinary()
  }
  const agent = await start(agentBinary, [`--sampler.interval=${INTERVAL_S}s`, `--data-dir=${mkdtempSync(join(tmpdir(), 'odin-soak-'))}`, '--log.level=warn'])
  const ne = await start('prometheus-node-exporter', [])
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
  const agentRss: number[] = []
  try {
    console.log(`rss soak: one scrape every ${INTERVAL_S} s for ${MINUTES} min; MiB`)
    console.log(' min  agent  (anon  file)  node_exporter')
    const started = Date.now()
    let nextReport = started + 60_000
    while (Date.now() - started < MINUTES * 60_000) {
      await Promise.all([fetch(agent.url).then((r) => r.text()), fetch(ne.url).then((r) => r.text())])
      await sleep(INTERVAL_S * 1000)
      if (Date.now() >= nextReport) {
        nextReport += 60_000
        const a = memory(agent.child.pid as number)
        const n = memory(ne.child.pid as number)
        agentRss.push(a.rss)
        console.log(`${((Date.now() - started) / 60_000).toFixed(0).padStart(4)} ${a.rss.toFixed(1).padStart(6)} (${a.anon.toFixed(1).padStart(5)} ${a.file.toFixed(1).padStart(5)}) ${n.rss.toFixed(1).padStart(14)}`)
      }
    }
  } finally {
    agent.child.kill('SIGKILL')
    ne.child.kill('SIGKILL')
  }
  const late = agentRss.slice(Math.floor(agentRss.length / 2))
  console.log(`agent RSS: max ${Math.max(...agentRss).toFixed(1)} MiB, max over the second half ${Math.max(...late).toFixed(1)} MiB (budget 64)`)
}

await main()
process.exit(0)
