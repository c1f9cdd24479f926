// Per-tick cost of the sampler with every default collector on this host, in-process.
// Run: npx bun bench/sampler-ticks.ts [--ticks 30] [--gap-ms 1000] [--only a,b] [--jit-policy n]
// Prints CPU per tick (process.cpuUsage: all threads, GC included), wall time and the
// slowest collectors by their own duration. The side-by-side bench is bench/host.ts.
import { createAgent } from '../src/agent.ts'
import { allCollectors } from '../src/collectors/index.ts'
import { parseAgentArgs } from '../src/config/config.ts'
import { allDetectors } from '../src/detectors/index.ts'
import { createLogger } from '../src/log/logger.ts'

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] as string) : dflt
}
const TICKS = Number(arg('ticks', '30'))
const GAP_MS = Number(arg('gap-ms', '1000'))
const only = arg('only', '')
const jitPolicy = Number(arg('jit-policy', '0'))
if (jitPolicy > 0) {
  // What `bun build --compile-jit-policy` makes the binary start with.
  Bun.unsafe.setJITPolicy(jitPolicy)
}
// --only lists every switchable to keep (each named on or off explicitly).
const switchables = [...allCollectors, ...allDetectors]
const argv = only
  ? switchables.map((s) =>
      only.split(',').includes(s.name.replace(/^detector\./, '')) || only.split(',').includes(s.name)
        ? `--${s.name.startsWith('detector.') ? '' : 'collector.'}${s.name}`
        : `--no-${s.name.startsWith('detector.') ? '' : 'collector.'}${s.name}`,
    )
  : []
const { config } = parseAgentArgs(argv, switchables)
const log = createLogger({ level: 'error', format: 'logfmt' })
const detectors = allDetectors.filter((d) => config.enabled.includes(d.name)).map((d) => d.create({ config, log }))
const agent = createAgent({ config, collectors: allCollectors, detectors, log, version: { version: 'bench', revision: 'bench', runtime: 'bun' } })

const cpuMs = () => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const perTick: number[] = []
const wall: number[] = []
const byCollector = new Map<string, number>()
for (let i = 0; i < TICKS; i++) {
  const c0 = cpuMs()
  const t0 = performance.now()
  const snap = await agent.sampler.tick()
  wall.push(performance.now() - t0)
  perTick.push(cpuMs() - c0)
  if (i >= TICKS / 3) {
    for (const [name, o] of snap.outcomes) {
      byCollector.set(name, (byCollector.get(name) ?? 0) + o.durationSeconds * 1000)
    }
  }
  await new Promise((r) => setTimeout(r, GAP_MS))
}
const c0 = cpuMs()
await new Promise((r) => setTimeout(r, 3000))
const idle = (cpuMs() - c0) / 3
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const tail = perTick.slice(Math.floor(TICKS / 3))
console.log(
  `ticks ${TICKS}, gap ${GAP_MS} ms: cpu/tick median ${median(tail).toFixed(2)} ms, mean ${(tail.reduce((a, b) => a + b, 0) / tail.length).toFixed(2)} ms, first ${perTick[0]?.toFixed(1)} ms; wall median ${median(wall).toFixed(2)} ms; idle ${idle.toFixed(2)} ms/s; rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(1)} MiB`,
)
const n = TICKS - Math.floor(TICKS / 3)
const top = [...byCollector].sort((a, b) => b[1] - a[1]).slice(0, 12)
console.log(`collector wall ms/tick (concurrent, overlapping): ${top.map(([k, v]) => `${k} ${(v / n).toFixed(2)}`).join(', ')}`)
const series = agent.sampler.latest()?.families.reduce((s, f) => s + f.samples.length, 0)
console.log(`series ${series}`)
process.exit(0)
