/**
 * Pod detector benchmark: CPU per tick and memory of --detector.pod_anomaly with N containers
 * scored (default 100, two series each), run alone:
 *
 *   npx bun bench/pod-anomaly.ts [--containers 100] [--ticks 1000]
 *
 * Synthetic snapshots: N containers' container_cpu_usage_seconds_total and
 * container_memory_working_set_bytes with cAdvisor's labels, beside 300 other families (a
 * node's exposition), one tick every 15 s of sample time. The detector first sees 1,100
 * ticks (its 1,000-row windows fill and every series is trained on a full sample), running
 * the scheduled trainings after each tick as the agent does (setImmediate). Then `ticks`
 * ticks are timed, three times: observe() + families() per tick (the scoring path, inside the
 * sampler's tick) and, apart, the scheduled trainings (off the tick, amortised per tick).
 * CPU is process.cpuUsage(); the median of the three runs is printed. Memory: heap used and
 * RSS after a full GC, before the detector exists and after training, and the same with
 * 0 containers. In Bun heapUsed includes typed arrays' stores. RSS inside one process also
 * holds the bench's own garbage, so compare separate processes after the warm-up:
 *
 *   npx bun bench/pod-anomaly.ts --only --containers 100 --ticks 1   # with the detector
 *   npx bun bench/pod-anomaly.ts --only --containers 100 --ticks 1 --baseline   # same feed, no detector
 */
import { createPodAnomalyDetector } from '../src/detectors/pod-anomaly.ts'
import { silentLogger } from '../src/log/logger.ts'
import type { MetricFamily } from '../src/metrics/types.ts'
import { snapshotView, type SnapshotView } from '../src/detectors/types.ts'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const N = arg('containers', 100)
const TICKS = arg('ticks', 1000)
const STEP = 15_000
const T0 = Date.UTC(2026, 0, 1)
const MIB = 1024 * 1024

declare const Bun: { gc(force: boolean): void } | undefined
const gc = () => {
  if (typeof Bun !== 'undefined') Bun.gc(true)
  else (globalThis as { gc?: () => void }).gc?.()
}
const mem = () => {
  gc()
  const m = process.memoryUsage()
  // Typed arrays' stores (the models' windows and forests) are counted apart from the heap.
  return { heap: m.heapUsed, buffers: m.arrayBuffers ?? 0, rss: m.rss }
}

/** A seeded generator (xorshift) and its normal deviates: the same data on every run. */
function normal(seed: number): () => number {
  let x = seed >>> 0 || 1
  const u = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return ((x >>> 0) + 0.5) / 4294967296
  }
  return () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u())
}

const other: MetricFamily[] = Array.from({ length: 300 }, (_, i) => ({ name: `node_other_${i}`, help: '', type: 'gauge', samples: [{ labels: {}, value: i }] }))

function makeFeed(n: number) {
  const g = normal(42)
  const cpu = new Float64Array(n)
  const labels = Array.from({ length: n }, (_, i) => ({
    container: `c${i % 3}`,
    id: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${i}.slice/cri-containerd-${String(i).padStart(64, '0')}.scope`,
    image: 'registry.example/app:1.2.3',
    name: String(i).padStart(64, '0'),
    namespace: `ns${i % 7}`,
    pod: `app-${i}-7d9f8c6b5-x2x${i}`,
  }))
  return (tick: number): SnapshotView => {
    const cpuSamples = []
    const wsSamples = []
    for (let i = 0; i < n; i++) {
      cpu[i]! += (0.2 + 0.05 * (i % 5) + 0.02 * g()) * (STEP / 1000)
      cpuSamples.push({ labels: { ...labels[i]!, cpu: 'total' }, value: cpu[i]! })
      wsSamples.push({ labels: labels[i]!, value: (100 + (i % 10) * 50) * MIB + 2 * MIB * g() })
    }
    const families: MetricFamily[] = [
      ...other.slice(0, 150),
      { name: 'container_cpu_usage_seconds_total', help: '', type: 'counter', samples: cpuSamples },
      { name: 'container_memory_working_set_bytes', help: '', type: 'gauge', samples: wsSamples },
      ...other.slice(150),
    ]
    return snapshotView(T0 + tick * STEP, families)
  }
}

function cpuMs(f: () => void): number {
  const c = process.cpuUsage()
  f()
  const d = process.cpuUsage(c)
  return (d.user + d.system) / 1000
}

let rssAfterTraining = 0

function measure(n: number) {
  const feed = makeFeed(n)
  const before = mem()
  const tasks: (() => void)[] = []
  const det = createPodAnomalyDetector({ dataDir: '', log: silentLogger, schedule: (t) => void tasks.push(t) })
  for (let i = 0; i < 1100; i++) {
    const snap = feed(i)
    if (BASELINE) continue
    det.observe(snap)
    det.families()
    while (tasks.length > 0) tasks.shift()!()
  }
  const after = mem()
  rssAfterTraining = after.rss
  if (BASELINE) return { tickMs: 0, trainMs: 0, runs: [], heapMiB: (after.heap - before.heap) / MIB, buffersMiB: 0, rssMiB: (after.rss - before.rss) / MIB }
  const runs: { tick: number; train: number }[] = []
  let tick = 1100
  for (let r = 0; r < 3; r++) {
    // Snapshots are built before the clock starts: only the detector is timed.
    const snaps = Array.from({ length: TICKS }, () => feed(tick++))
    let scoring = 0
    let training = 0
    for (const s of snaps) {
      scoring += cpuMs(() => {
        det.observe(s)
        det.families()
      })
      training += cpuMs(() => {
        while (tasks.length > 0) tasks.shift()!()
      })
    }
    runs.push({ tick: scoring / TICKS, train: training / TICKS })
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!
  return {
    tickMs: med(runs.map((r) => r.tick)),
    trainMs: med(runs.map((r) => r.train)),
    runs,
    heapMiB: (after.heap - before.heap) / MIB,
    buffersMiB: (after.buffers - before.buffers) / MIB,
    rssMiB: (after.rss - before.rss) / MIB,
  }
}

// --only: one measurement in this process (compare RSS across two processes, 0 and N).
const ONLY = process.argv.includes('--only')
/** --baseline: the same snapshots, never observed (RSS of the bench itself, to subtract). */
const BASELINE = process.argv.includes('--baseline')
const idle = ONLY ? { tickMs: 0, trainMs: 0, heapMiB: 0, buffersMiB: 0, rssMiB: 0 } : measure(0)
const busy = measure(N)
if (!BASELINE) report()
else {
  console.log(
    `baseline (${N} containers' snapshots, no detector): heapUsed +${busy.heapMiB.toFixed(2)} MiB, RSS +${busy.rssMiB.toFixed(2)} MiB, process RSS after the same ticks (full GC): ${(rssAfterTraining / MIB).toFixed(1)} MiB`,
  )
}
function report(): void {
  const fmt = (x: number) => x.toFixed(3)
  console.log(`pod detector, ${TICKS} ticks x 3 runs (median), process.cpuUsage():`)
  console.log(`  0 containers:   observe+families ${fmt(idle.tickMs)} ms/tick`)
  console.log(
    `  ${N} containers: observe+families ${fmt(busy.tickMs)} ms/tick (runs ${busy.runs.map((r) => fmt(r.tick)).join(', ')}), ` +
      `scheduled training ${fmt(busy.trainMs)} ms/tick amortised (runs ${busy.runs.map((r) => fmt(r.train)).join(', ')})`,
  )
  console.log(`  per container per tick: ${fmt((busy.tickMs - idle.tickMs) / N)} ms scoring, ${fmt(busy.trainMs / N)} ms training`)
  console.log(
    `  memory after training, over before the detector (full GC): heapUsed +${busy.heapMiB.toFixed(2)} MiB, arrayBuffers +${busy.buffersMiB.toFixed(2)} MiB, RSS +${busy.rssMiB.toFixed(2)} MiB` +
      (ONLY ? '' : ` (0 containers: heapUsed +${idle.heapMiB.toFixed(2)}, arrayBuffers +${idle.buffersMiB.toFixed(2)}, RSS +${idle.rssMiB.toFixed(2)})`),
  )
  console.log(`  process RSS right after training (full GC): ${(rssAfterTraining / MIB).toFixed(1)} MiB`)
}

// The allocator returns freed pages to the system lazily: RSS again after a pause.
await new Promise((r) => setTimeout(r, 5000))
gc()
console.log(`  process RSS 5 s later (full GC): ${(process.memoryUsage().rss / MIB).toFixed(1)} MiB`)
