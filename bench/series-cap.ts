// Cost of --web.max-series per snapshot (SeriesCap.apply, once per sampler tick, not per
// scrape: the registry renders and caches the capped families), on a snapshot shaped like
// the measured busy node (bench/series-per-node.ts: ~1,230 host and health series, 200
// containers in 110 pods, 4,590 container series), beside the render of the same snapshot.
//
//   npx bun bench/series-cap.ts [--iterations 2000]
//
// Median of 5 runs of `iterations` calls, wall time per call (performance.now; the CPU is
// not otherwise busy in this process). The machine is shared: compare the rows of one run.
import { renderExposition } from '../src/metrics/exposition.ts'
import { Families } from '../src/metrics/families.ts'
import { SeriesCap } from '../src/metrics/series-cap.ts'
import type { MetricFamily } from '../src/metrics/types.ts'

const i = process.argv.indexOf('--iterations')
const ITERATIONS = i > 0 ? Number(process.argv[i + 1]) : 2000

function busyNode(): MetricFamily[] {
  const f = new Families()
  for (let fam = 0; fam < 250; fam++) for (let s = 0; s < 5; s++) f.gauge(`node_family_${fam}`, 'Host.', s * 1.5, { device: `dev${s}` })
  f.counter('odin_series_dropped_total', 'odin-agent: Series cut by a per-collector cap.', 0, { collector: 'containers' })
  const perContainer = [
    'container_cpu_usage_seconds_total',
    'odin_container_info',
    'odin_container_restarts_total',
    'container_memory_usage_bytes',
    'container_memory_working_set_bytes',
    'container_memory_rss',
    'container_memory_cache',
    'container_memory_swap',
    'container_oom_events_total',
    'container_spec_memory_limit_bytes',
    'container_spec_cpu_period',
    'container_start_time_seconds',
    'container_fs_reads_bytes_total',
    'container_fs_writes_bytes_total',
    'container_fs_reads_total',
    'container_fs_writes_total',
    'container_cpu_cfs_periods_total',
    'container_cpu_cfs_throttled_periods_total',
    'container_cpu_cfs_throttled_seconds_total',
    'container_spec_cpu_quota',
  ]
  for (let c = 0; c < 200; c++) {
    const pod = c % 110
    const labels = {
      container: `c${c}`,
      id: `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${pod}.slice/cri-containerd-${c}.scope`,
      image: 'registry.example/shop/app:1.2.3',
      name: `${c}`,
      namespace: 'shop',
      pod: `app-${pod}`,
    }
    for (const [k, name] of perContainer.entries()) if (k < 16 || c % 2 === 0) f.counter(name, 'Container.', c, labels)
  }
  for (let p = 0; p < 110; p++) for (let k = 0; k < 9; k++) f.counter(`container_network_${k}_total`, 'Pod.', p, { namespace: 'shop', pod: `app-${p}`, interface: 'eth0' })
  return f.list()
}

function time(fn: () => unknown): number {
  const runs: number[] = []
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now()
    for (let k = 0; k < ITERATIONS; k++) fn()
    runs.push(((performance.now() - t0) * 1000) / ITERATIONS)
  }
  runs.sort((a, b) => a - b)
  return runs[2] as number
}

const snapshot = busyNode()
const series = snapshot.reduce((n, f) => n + f.samples.length, 0)
const under = new SeriesCap(8000)
const over = new SeriesCap(4000)
const out = over.apply(snapshot)
console.log(`snapshot: ${snapshot.length} families, ${series} series; cap 4000 keeps ${out.reduce((n, f) => n + f.samples.length, 0)}`)
for (let k = 0; k < 200; k++) [under.apply(snapshot), over.apply(snapshot), renderExposition(snapshot)] // warm-up
console.log(`under the cap (8000, count only): ${time(() => under.apply(snapshot)).toFixed(2)} us per snapshot`)
console.log(`over the cap (4000, cuts):        ${time(() => over.apply(snapshot)).toFixed(2)} us per snapshot`)
console.log(`render of the same snapshot:      ${time(() => renderExposition(snapshot)).toFixed(2)} us per snapshot`)
