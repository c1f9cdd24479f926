import type { CollectorOutcome } from '../collectors/run-collector.ts'
import type { DetectorOutcome } from '../detectors/run-detector.ts'
import type { MetricFamily } from '../metrics/types.ts'

/** How a collector or detector has fared, as /health and the status page show it. */
export interface ComponentHealth {
  readonly lastSuccessAt: number | null
  readonly lastError: string | null
  readonly lastDurationSeconds: number
  readonly success: boolean
  /** The last run failed only because this host lacks the source (NoDataError). */
  readonly noData: boolean
}

/** The result of one sampler tick. Frozen: /metrics reads it while the next is built. */
export interface Snapshot {
  readonly seq: number
  /** Milliseconds since the epoch when the tick started. */
  readonly at: number
  readonly durationSeconds: number
  readonly outcomes: ReadonlyMap<string, CollectorOutcome>
  /** This tick's detector runs, by detector name (threats: its scan's collector outcome). */
  readonly detectorOutcomes: ReadonlyMap<string, DetectorOutcome>
  /**
   * Every family to expose, merged by name: collectors', detectors' and the agent's own
   * (self metrics, node_scrape_collector_*, odin_detector_*). /metrics serves exactly this.
   */
  readonly families: readonly MetricFamily[]
  /** Health as of this tick, carried over from earlier ticks (last success). */
  readonly health: {
    readonly collectors: ReadonlyMap<string, ComponentHealth>
    readonly detectors: ReadonlyMap<string, ComponentHealth>
  }
  /** What collectors handed over with ctx.publish, latest run of each (threat findings). */
  readonly published: ReadonlyMap<string, unknown>
}

/** A family or samples left out by mergeFamilies, and why. */
export interface MergeRejection {
  /** Index of the group (the source) whose family or samples were left out. */
  readonly group: number
  readonly family: string
  readonly reason: 'type' | 'duplicate'
  readonly samples: number
}

const labelKey = (labels: Readonly<Record<string, string>>): string =>
  JSON.stringify(
    Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
  )

/**
 * Merges families of the same name in first-seen order, as node_exporter's registry does: the
 * first source's HELP and TYPE stand; a later family of the same name with another type is
 * left out whole, and a later sample whose labels equal one already there is left out (a
 * textfile's `node_load1 99` cannot shadow the loadavg collector's). Each rejection is
 * reported; label sets are compared only for names that more than one source exports.
 */
export function mergeFamilies(groups: readonly (readonly MetricFamily[])[], onReject?: (r: MergeRejection) => void): MetricFamily[] {
  type Merged = { name: string; help: string; type: MetricFamily['type']; samples: MetricFamily['samples'][number][] }
  const merged = new Map<string, Merged>()
  const keysOf = new Map<string, Set<string>>()
  groups.forEach((group, index) => {
    for (const family of group) {
      const existing = merged.get(family.name)
      if (!existing) {
        merged.set(family.name, { ...family, samples: [...family.samples] })
        continue
      }
      if (existing.type !== family.type) {
        onReject?.({ group: index, family: family.name, reason: 'type', samples: family.samples.length })
        continue
      }
      let keys = keysOf.get(family.name)
      if (!keys) {
        keys = new Set(existing.samples.map((x) => labelKey(x.labels)))
        keysOf.set(family.name, keys)
      }
      let duplicates = 0
      for (const sample of family.samples) {
        const key = labelKey(sample.labels)
        if (keys.has(key)) {
          duplicates++
        } else {
          keys.add(key)
          existing.samples.push(sample)
        }
      }
      if (duplicates > 0) {
        onReject?.({ group: index, family: family.name, reason: 'duplicate', samples: duplicates })
      }
    }
  })
  return [...merged.values()]
}
