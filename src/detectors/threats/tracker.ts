import { Families } from '../../metrics/families.ts'
import type { MetricFamily } from '../../metrics/types.ts'
import { RULES } from './rules/index.ts'
import type { Finding } from './types.ts'

/** One process's findings in one tick. `process` is `pid:starttime`, stable across ticks. */
export interface Observation {
  readonly process: string
  readonly findings: readonly Finding[]
}

export interface NewFinding {
  readonly process: string
  readonly finding: Finding
}

/**
 * Turns per-tick findings into counters, active gauges and "new" events. A (process,
 * rule) pair counts and logs once in the process's lifetime, however often it flaps;
 * it is active while the rule still fires; both end when the process exits.
 */
export class ThreatTracker {
  private readonly totals = new Map<string, number>()
  private active = new Map<string, number>()
  private readonly seen = new Map<string, Set<string>>()

  /** `alive` says whether a process is still in this tick's table, with or without findings. */
  update(alive: (process: string) => boolean, observations: readonly Observation[]): NewFinding[] {
    const fresh: NewFinding[] = []
    const active = new Map<string, number>()
    for (const o of observations) {
      let rules = this.seen.get(o.process)
      if (!rules) {
        rules = new Set()
        this.seen.set(o.process, rules)
      }
      for (const f of o.findings) {
        active.set(f.rule, (active.get(f.rule) ?? 0) + 1)
        if (!rules.has(f.rule)) {
          rules.add(f.rule)
          this.totals.set(f.rule, (this.totals.get(f.rule) ?? 0) + 1)
          fresh.push({ process: o.process, finding: f })
        }
      }
    }
    for (const p of this.seen.keys()) {
      if (!alive(p)) {
        this.seen.delete(p)
      }
    }
    this.active = active
    return fresh
  }

  /** Every rule is exported, at 0 until it fires, so increase() and alerts see the first event. */
  families(): MetricFamily[] {
    const f = new Families()
    for (const r of RULES) {
      const labels = { category: r.category, severity: r.severity, rule: r.id }
      f.counter('odin_security_findings_total', 'odin-agent: Process threat findings since the agent started, one per process and rule.', this.totals.get(r.id) ?? 0, labels)
    }
    for (const r of RULES) {
      const labels = { category: r.category, severity: r.severity, rule: r.id }
      f.gauge('odin_security_active_threats', 'odin-agent: Processes for which the rule fires now.', this.active.get(r.id) ?? 0, labels)
    }
    return f.list()
  }
}
