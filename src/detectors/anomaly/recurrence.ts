import type { RecurrenceOptions } from './options.ts'

/**
 * Recurring alerts (a daily job's spike, a nightly backup's burst): an isolation forest flags
 * a value that is rare in its window, and a once-a-day spike stays rare however often it
 * comes back. This remembers the time and score of recent alerts in a ring; an alert at t is
 * recurring when, for every k in 1..periods, an alert was remembered within the tolerance of
 * t - k * period whose score it does not exceed by the escalation margin.
 */
export interface AlertMemory {
  /** Sample times (ms) of remembered alerts, -1 for an empty slot. */
  readonly times: Float64Array
  readonly scores: Float64Array
  /** Alerts remembered so far (the next goes to count % length). */
  count: number
}

export function createAlertMemory(size: number): AlertMemory {
  return { times: new Float64Array(size).fill(-1), scores: new Float64Array(size), count: 0 }
}

export function rememberAlert(m: AlertMemory, t: number, score: number): void {
  const i = m.count % m.times.length
  m.times[i] = t
  m.scores[i] = score
  m.count++
}

/** Whether an alert scoring `score` at `t` repeats remembered ones on each previous period. */
export function isRecurring(m: AlertMemory, r: RecurrenceOptions, escalation: number, t: number, score: number): boolean {
  for (let k = 1; k <= r.periods; k++) {
    const at = t - k * r.periodMs
    let seen = false
    for (let i = 0; i < m.times.length && !seen; i++) {
      const prev = m.scores[i]!
      seen = m.times[i]! >= 0 && Math.abs(m.times[i]! - at) <= r.toleranceMs && score <= prev + escalation * (1 - prev)
    }
    if (!seen) return false
  }
  return true
}
