import { EXPOSITION_CONTENT_TYPE, renderExposition } from './exposition.ts'
import type { OwnerOf, SeriesCap } from './series-cap.ts'
import type { MetricFamily } from './types.ts'

export type Render = (families: readonly MetricFamily[]) => string

/**
 * Holds the latest snapshot's families and renders them once per snapshot: the exposition is
 * a pure function of the snapshot (the agent's own process_* metrics are sampled with it), so
 * every scrape until the next update gets the same text without re-rendering it. Two
 * Prometheus replicas, or a burst of scrapes, cost one render.
 */
export class SnapshotRegistry {
  readonly contentType = EXPOSITION_CONTENT_TYPE
  private families: readonly MetricFamily[] = []
  private rendered: string | null = null

  constructor(
    private readonly render: Render = renderExposition,
    private readonly cap?: SeriesCap,
  ) {}

  /**
   * A family name met twice (an observer re-exporting a collector's family) keeps the last.
   * With a cap (--web.max-series), what is kept never exceeds it; `ownerOf` names the
   * collector of a family for the dropped counter.
   */
  update(families: readonly MetricFamily[], ownerOf?: OwnerOf): void {
    const byName = new Map<string, MetricFamily>()
    for (const family of families) {
      byName.set(family.name, family)
    }
    const unique = byName.size === families.length ? families : [...byName.values()]
    this.families = this.cap ? this.cap.apply(unique, ownerOf) : unique
    this.rendered = null
  }

  metrics(): Promise<string> {
    try {
      this.rendered ??= this.render(this.families)
      return Promise.resolve(this.rendered)
    } catch (err) {
      // A failed render is not kept: the next scrape tries again.
      return Promise.reject(err)
    }
  }
}
