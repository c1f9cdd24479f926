// Resident memory of odin-agent and Debian's node_exporter over a long run, as Prometheus
// scrapes them (once every 15 s, agent at --sampler.interval=15s). bench/host.ts reads RSS
// seconds after start; this shows where it settles once the JavaScript heap has gone through
// its collection cycles and the allocator through its reuse.
// Run: npx bun bench/rss-soak.ts [--minutes 20] [--binary path/to/odin-agent]
import { ensureAgentBinary, numberOption, residentMiB, startPeer } from './peers.ts'

const MINUTES = numberOption('minutes', 20)
const INTERVAL_S = 15

async function main() {
  await ensureAgentBinary()
  const agent = await startPeer('odin-agent', `${INTERVAL_S}s`)
  const ne = await startPeer('node_exporter', `${INTERVAL_S}s`)
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
        const a = residentMiB(agent.child.pid as number)
        const n = residentMiB(ne.child.pid as number)
        agentRss.push(a.rss)
        console.log(
          `${((Date.now() - started) / 60_000).toFixed(0).padStart(4)} ${a.rss.toFixed(1).padStart(6)} (${a.anon.toFixed(1).padStart(5)} ${a.file.toFixed(1).padStart(5)}) ${n.rss.toFixed(1).padStart(14)}`,
        )
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
