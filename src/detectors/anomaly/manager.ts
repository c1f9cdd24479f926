import { createDetector, type DetectorMode, type Observation, type SeriesDetector } from './detector.ts'
import { resolveOptions, type DetectorOptions } from './options.ts'
import { decodeStateChecked, encodeState } from './state-codec.ts'

/**
 * Many series, one engine each, with retraining kept off the scoring path: `observe` only
 * scores and marks a retrain as due; the injected `schedule` later runs one training per task
 * (rescheduling while any remain), so a burst of due series never blocks a scrape for long.
 */
export interface AnomalyManagerOptions {
  readonly detector?: Partial<DetectorOptions>
  /** Runs `task` later, off the caller's stack (setImmediate in the agent, a queue in tests). */
  readonly schedule: (task: () => void) => void
  /** Series beyond this many are not tracked (observe returns undefined). */
  readonly maxSeries?: number
  /**
   * Restored series not observed within this much sample time of the first observation after
   * restore() are dropped, freeing their slots for series that do exist (default 5 minutes).
   */
  readonly restoreGraceMs?: number
  /** Called after each training attempt. */
  readonly onTrained?: (series: string, ok: boolean) => void
}

export interface SeriesStatus {
  readonly series: string
  readonly score: number
  readonly anomalous: boolean
  readonly mode: DetectorMode
  readonly trained: boolean
  /** Sample time (ms) of the last point before the last successful training; 0 if never. */
  readonly lastTrainAt: number
}

export interface AnomalyManager {
  observe(series: string, t: number, value: number): Observation | undefined
  /** Trains every series whose retrain is due, now; returns how many were trained. */
  trainDue(): number
  status(): SeriesStatus[]
  /** Stops tracking a series (its label set vanished). */
  drop(series: string): void
  /** The engine of a tracked series (for measuring its state). */
  detectorOf(series: string): SeriesDetector | undefined
  /** Payload for saveModel: every series' state. */
  encode(): unknown
  /**
   * Adopts stored states that fit the options; the rest start cold. `invalid` names the first
   * series whose state was out of range (not merely saved under other options), with why.
   */
  restore(payload: unknown): RestoreResult
}

export interface RestoreResult {
  readonly restored: number
  readonly rejected: number
  readonly invalid?: string
}

const PAYLOAD_KIND = 'odin-anomaly-manager'

export function createAnomalyManager(opts: AnomalyManagerOptions): AnomalyManager {
  const options = resolveOptions({ ...opts.detector, autoTrain: false })
  const maxSeries = opts.maxSeries ?? 64
  const detectors = new Map<string, SeriesDetector>()
  const last = new Map<string, Observation>()
  const due = new Set<string>()
  let scheduled = false
  const restoreGraceMs = opts.restoreGraceMs ?? 300_000
  /** Restored series not yet observed, and the sample time the grace period started. */
  const unclaimed = new Set<string>()
  let graceFrom: number | undefined

  const expireUnclaimed = (t: number): void => {
    graceFrom ??= t
    if (t - graceFrom < restoreGraceMs) return
    for (const series of unclaimed) {
      detectors.delete(series)
      last.delete(series)
      due.delete(series)
    }
    unclaimed.clear()
  }

  const trainOne = (series: string): void => {
    due.delete(series)
    const d = detectors.get(series)
    if (!d?.trainingDue()) return
    const ok = d.train()
    opts.onTrained?.(series, ok)
  }

  const task = (): void => {
    scheduled = false
    const next = due.values().next()
    if (next.done) return
    trainOne(next.value)
    if (due.size > 0) {
      scheduled = true
      opts.schedule(task)
    }
  }

  const observe = (series: string, t: number, value: number): Observation | undefined => {
    if (unclaimed.size > 0) {
      unclaimed.delete(series)
      expireUnclaimed(t)
    }
    let d = detectors.get(series)
    if (!d) {
      if (detectors.size >= maxSeries) return undefined
      d = createDetector(options)
      detectors.set(series, d)
    }
    const o = d.observe(t, value)
    last.set(series, o)
    if (d.trainingDue() && !due.has(series)) {
      due.add(series)
      if (!scheduled) {
        scheduled = true
        opts.schedule(task)
      }
    }
    return o
  }

  return {
    observe,
    trainDue() {
      let n = 0
      for (const series of [...due]) {
        trainOne(series)
        n++
      }
      return n
    },
    status() {
      const out: SeriesStatus[] = []
      for (const [series, d] of detectors) {
        const o = last.get(series)
        out.push({
          series,
          score: o?.score ?? 0,
          anomalous: o?.anomalous ?? false,
          mode: d.state.forest ? 'forest' : 'fallback',
          trained: d.state.forest !== null,
          lastTrainAt: d.state.lastTrainAt,
        })
      }
      return out
    },
    drop(series) {
      unclaimed.delete(series)
      detectors.delete(series)
      last.delete(series)
      due.delete(series)
    },
    detectorOf: (series) => detectors.get(series),
    encode() {
      const series: Record<string, unknown> = {}
      for (const [name, d] of detectors) series[name] = encodeState(d.state, options)
      return { kind: PAYLOAD_KIND, series }
    },
    restore(payload) {
      const p = payload as { kind?: unknown; series?: unknown } | null
      if (!p || p.kind !== PAYLOAD_KIND || typeof p.series !== 'object' || p.series === null) {
        return { restored: 0, rejected: 0 }
      }
      let restored = 0
      let rejected = 0
      let invalid: string | undefined
      for (const [name, encoded] of Object.entries(p.series as Record<string, unknown>)) {
        const state = decodeStateChecked(encoded, options)
        if ('reason' in state || detectors.size >= maxSeries) {
          if ('reason' in state && state.reason.startsWith('invalid')) invalid ??= `series ${JSON.stringify(name.slice(0, 64))}: ${state.reason}`
          rejected++
          continue
        }
        detectors.set(name, createDetector(options, state))
        unclaimed.add(name)
        restored++
      }
      graceFrom = undefined
      return { restored, rejected, invalid }
    },
  }
}
