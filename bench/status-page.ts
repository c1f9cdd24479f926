// Cost of the status page's own work, on the families of a real tick of the fixture host
// (test/fixtures/host-a with the hand-written processes of proc-pids):
//  1. StatusModel.observe, which runs after every tick (rates and the score history);
//  2. one /status.json answer (build + JSON.stringify), which runs per page refresh;
//  3. the score history's memory at its cap (48 series x 240 buckets).
// Run: npx bun bench/status-page.ts [--iterations 2000]
import { join } from 'node:path'
import { createAgent } from '../src/agent.ts'
import { allCollectors } from '../src/collectors/index.ts'
import { parseAgentArgs } from '../src/config/config.ts'
import { silentLogger } from '../src/log/logger.ts'
import type { MetricFamily } from '../src/metrics/types.ts'
import { assessVisibility } from '../src/process/visibility.ts'
import { HISTORY_BUCKET_MS, HISTORY_BUCKETS, HISTORY_MAX_SERIES } from '../src/server/score-history.ts'
import { StatusModel } from '../src/server/status-model.ts'

const N = Number(process.argv[process.argv.indexOf('--iterations') + 1]) || 2000
const host = join(import.meta.dir, '..', 'test', 'fixtures', 'host-a')
const { config } = parseAgentArgs([`--path.procfs=${host}/proc`, `--path.sysfs=${host}/sys`, `--path.rootfs=${host}/root`, '--data-dir='], allCollectors)
const agent = createAgent({
  config,
  collectors: allCollectors,
  log: silentLogger,
  version: { version: 'bench', revision: 'bench', runtime: 'bun' },
  visibility: assessVisibility({ uid: 0, capEff: 0n, hidepid: '', containerised: true }),
})
const snap = await agent.sampler.tick()
const anomaly: MetricFamily[] = [
  { name: 'odin_anomaly_score', help: '', type: 'gauge', samples: Array.from({ length: 6 }, (_, i) => ({ labels: { detector: 'host', series: `s${i}` }, value: 0.3 })) },
  { name: 'odin_anomaly', help: '', type: 'gauge', samples: Array.from({ length: 6 }, (_, i) => ({ labels: { detector: 'host', series: `s${i}` }, value: 0 })) },
]
const families = [...snap.families, ...anomaly]
const series = families.reduce((n, f) => n + f.samples.length, 0)

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
function time(fn: (i: number) => void): number {
  for (let i = 0; i < 50; i++) fn(i)
  const xs: number[] = []
  for (let i = 0; i < N; i++) {
    const t0 = performance.now()
    fn(i)
    xs.push(performance.now() - t0)
  }
  return median(xs)
}

const model = new StatusModel()
let at = 1_700_000_000_000
const observe = time(() => model.observe((at += 1000), families))
const inputs = {
  version: { version: 'b', revision: 'b' },
  now: at,
  startedAt: 0,
  lastSampleAt: at,
  ready: { ok: true, reason: 'ready' },
  health: agent.sampler.collectorHealth(),
  detectors: new Map(),
  threats: [],
  visibilityLimits: [],
  threshold: 0.75,
}
let bytes = 0
const answer = time(() => {
  bytes = JSON.stringify(model.build(inputs)).length
})

const full = new StatusModel()
const many: MetricFamily[] = [
  {
    name: 'odin_anomaly_score',
    help: '',
    type: 'gauge',
    samples: Array.from({ length: HISTORY_MAX_SERIES }, (_, i) => ({ labels: { detector: 'gpu', series: `gpu${i}_temp` }, value: 0.4 })),
  },
]
Bun.gc(true)
const heap0 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers
for (let b = 0; b < HISTORY_BUCKETS; b++) full.observe(b * HISTORY_BUCKET_MS, many)
Bun.gc(true)
const heap1 = process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers

console.log(`families of one fixture tick: ${families.length} families, ${series} series`)
console.log(`StatusModel.observe per tick: ${(observe * 1000).toFixed(1)} µs (median of ${N})`)
console.log(`/status.json build + stringify: ${(answer * 1000).toFixed(1)} µs, ${bytes} bytes (median of ${N})`)
console.log(
  `score history at its cap: ${full.history.size} series, ${full.history.bytes} bytes of typed arrays; heap + array buffers grew ${((heap1 - heap0) / 1024).toFixed(0)} KiB`,
)
await agent.stop()
