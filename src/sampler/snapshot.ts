import type { CollectorOutcome } from '../collectors/run-collector.ts'
import type { MetricFamily } from '../metrics/types.ts'

/** The result of one sampler tick. Frozen: /metrics reads it while the next is built. */
export interface Snapshot {
  readonly seq: number
  /** Milliseconds since the epoch when the tick started. */
  readonly at: number
  readonly durationSeconds: number
  readonly outcomes: ReadonlyMap<string, CollectorOutcome>
  /** Every family to expose, merged by name across collectors, self-metrics included. */
  readonly families: readonly MetricFamily[]
}

/** Merges families of the same name (first HELP/TYPE wins) in first-seen order. */
export function mergeFamilies(groups: readonly (readonly MetricFamily[])[]): MetricFamily[] {
  const merged = new Map<string, { name: string; help: string; type: MetricFamily['type']; samples: MetricFamily['samples'][number][] }>()
  for (const group of groups) {
    for (const family of group) {
      const existing = merged.get(family.name)
      if (existing) {
        existing.samples.push(...family.samples)
      } else {
        merged.set(family.name, { ...family, samples: [...family.samples] })
      }
    }
  }
  return [...merged.values()]
}
