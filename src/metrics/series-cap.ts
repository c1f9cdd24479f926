import type { Logger } from '../log/logger.ts'
import type { MetricFamily, Sample } from './types.ts'
import { DROPPED_FAMILY, DROPPED_HELP } from './dropped.ts'

/**
 * Who gives way first when a snapshot has more series than the cap:
 * 2: container series (cAdvisor's `container_*` and the agent's per-container and per-pod
 *    series, namedprocess groups per pod, and the pod detector's scores: `podSample`), a whole pod at a time, the pod that
 *    appears last first;
 * 1: every other series (host, GPU, processes), from the end of the exposition;
 * 0: the agent's own health (`odin_*` but the per-container ones, `process_*`, and the
 *    collector self-metrics under node_exporter's names, `node_scrape_collector_*`), last.
 */
export function shedTier(name: string): 0 | 1 | 2 {
  if (name.startsWith('container_') || name.startsWith('odin_container_') || name.startsWith('odin_pod_') || name === 'odin_namegroup_pod_processes') return 2
  return name.startsWith('odin_') || name.startsWith('process_') || name.startsWith('node_scrape_collector_') ? 0 : 1
}

/**
 * A sample that goes with its pod: every sample of a tier-2 family, and the pod detector's
 * anomaly series (`odin_anomaly*` with a `pod` label), so a cut pod takes its scores along.
 */
function podSample(name: string, s: Sample): boolean {
  return shedTier(name) === 2 || (name.startsWith('odin_anomaly') && s.labels.pod !== undefined)
}

/** Families that may hold samples that go with their pod. */
const hasPodSamples = (name: string): boolean => shedTier(name) === 2 || name.startsWith('odin_anomaly')

/** The collector a family came from, for the `collector` label of the dropped counter. */
export type OwnerOf = (family: string) => string | undefined

/**
 * Keeps an exposition within `max` series (`--web.max-series`), so that a Prometheus
 * `sample_limit` of the same size never fails the whole scrape. Under the cap the families
 * pass through untouched after one count of their samples. Over it, series are cut
 * deterministically in `shedTier` order, counted per snapshot in
 * odin_series_dropped_total{collector} (added to the collector's own count where it has
 * one), and the first cut is logged once. The counter's own samples count against the cap.
 */
export class SeriesCap {
  private readonly dropped = new Map<string, number>()
  private logged = false

  constructor(
    readonly max: number,
    private readonly log?: Logger,
  ) {}

  apply(families: readonly MetricFamily[], ownerOf: OwnerOf = () => undefined): readonly MetricFamily[] {
    if (!(this.max > 0)) return families
    let total = 0
    for (const f of families) total += f.samples.length
    if (total <= this.max && this.dropped.size === 0) return families
    const before = total

    const counter = families.find((f) => f.name === DROPPED_FAMILY)
    const counted = new Set<string>()
    for (const s of counter?.samples ?? []) if (s.labels.collector !== undefined) counted.add(s.labels.collector)
    const now = new Map<string, number>()
    let extra = 0
    for (const c of this.dropped.keys()) if (!counted.has(c)) extra++
    /** A collector cut for the first time adds a counter sample: counted before sizing the cut. */
    const charge = (collector: string) => {
      if (!counted.has(collector) && !this.dropped.has(collector) && !now.has(collector)) {
        extra++
        now.set(collector, 0)
      }
    }
    const drop = (collector: string, n: number) => {
      now.set(collector, (now.get(collector) ?? 0) + n)
      total -= n
    }
    const over = () => total + extra - this.max

    // Tier 2: whole pods, last first.
    const podsCut = new Set<string>()
    if (over() > 0) {
      const pods = new Map<string, { n: number; owner: string }>()
      for (const f of families) {
        if (!hasPodSamples(f.name)) continue
        const owner = ownerOf(f.name) ?? 'containers'
        for (const s of f.samples) {
          if (!podSample(f.name, s)) continue
          const key = podKey(s)
          const p = pods.get(key)
          if (p) p.n++
          else pods.set(key, { n: 1, owner })
        }
      }
      const order = [...pods.keys()]
      for (let i = order.length - 1; i >= 0 && over() > 0; i--) {
        const key = order[i] as string
        const p = pods.get(key) as { n: number; owner: string }
        podsCut.add(key)
        charge(p.owner)
        drop(p.owner, p.n)
      }
    }
    // Tiers 1 then 0: trailing samples, last family first; the counter itself is never cut.
    const keep = new Map<MetricFamily, number>()
    for (const tier of [1, 0] as const) {
      for (let i = families.length - 1; i >= 0 && over() > 0; i--) {
        const f = families[i] as MetricFamily
        if (shedTier(f.name) !== tier || f.name === DROPPED_FAMILY) continue
        const owner = ownerOf(f.name) ?? 'agent'
        charge(owner)
        const n = Math.min(f.samples.length, over())
        keep.set(f, f.samples.length - n)
        drop(owner, n)
      }
    }

    for (const [c, n] of now) this.dropped.set(c, (this.dropped.get(c) ?? 0) + n)
    if (now.size > 0 && !this.logged) {
      this.logged = true
      this.log?.warn('series over --web.max-series cut from /metrics; counted in odin_series_dropped_total (logged once)', {
        max: this.max,
        series: before,
        cut: [...now].map(([c, n]) => `${c}=${n}`).join(','),
      })
    }

    const out: MetricFamily[] = []
    for (const f of families) {
      let samples = f.samples
      if (podsCut.size > 0 && hasPodSamples(f.name)) samples = samples.filter((s) => !(podSample(f.name, s) && podsCut.has(podKey(s))))
      const k = keep.get(f)
      if (k !== undefined) samples = samples.slice(0, k)
      if (f.name === DROPPED_FAMILY) samples = this.withDropped(samples)
      if (samples.length > 0) out.push(samples === f.samples ? f : { ...f, samples })
    }
    if (!counter) out.push({ name: DROPPED_FAMILY, help: DROPPED_HELP, type: 'counter', samples: this.withDropped([]) })
    return out
  }

  /** The counter's samples with this cap's totals added to (or beside) the collectors' own. */
  private withDropped(samples: readonly Sample[]): Sample[] {
    const left = new Map(this.dropped)
    const out = samples.map((s) => {
      const c = s.labels.collector
      const n = c === undefined ? undefined : left.get(c)
      if (n === undefined || c === undefined) return s
      left.delete(c)
      return { labels: s.labels, value: s.value + n }
    })
    for (const [collector, n] of left) out.push({ labels: { collector }, value: n })
    return out
  }
}

function podKey(s: Sample): string {
  return `${s.labels.namespace ?? ''}/${s.labels.pod ?? ''}`
}
