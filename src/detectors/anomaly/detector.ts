import { calibrate, fitCalibration, type Calibration } from './calibration.ts'
import { createFallbackState, fallbackObserve, type FallbackState } from './fallback.ts'
import { createFeatureState, extractFeatures, type FeatureState } from './features.ts'
import { trainForest, type Forest } from './forest.ts'
import { ALERT_MEMORY, resolveOptions, type DetectorOptions } from './options.ts'
import { createAlertMemory, isRecurring, rememberAlert, type AlertMemory } from './recurrence.ts'
import { mixSeed } from './rng.ts'
import { createScoreCache, type ScoreCache } from './score-cache.ts'

export type DetectorMode = 'fallback' | 'forest'

export interface Observation {
  /** Calibrated anomaly score in [0, 1]. */
  readonly score: number
  /** score >= threshold. */
  readonly anomalous: boolean
  readonly mode: DetectorMode
}

/** Everything a series detector holds; plain data, so it serialises (state.ts). */
export interface DetectorState {
  readonly dim: number
  readonly features: FeatureState
  readonly fallback: FallbackState
  /** Rolling training window, row-major, `window` rows of `dim` (float32 when rowPrecision is 32). */
  readonly rows: Float64Array | Float32Array
  /** Rows written so far (the next row goes to rowCount % window). */
  rowCount: number
  rowsSinceTrain: number
  trainRound: number
  forest: Forest | null
  calibration: Calibration
  /** Time (ms) of the last point at the last successful training; 0 when never. */
  lastTrainAt: number
  lastT: number
  cooldownLeft: number
  alertScore: number
  /** Recent alerts (and recurring ones held back), for the recurrence check. */
  readonly alerts: AlertMemory
  trainPending: boolean
  lastTrainError: string
}

export interface SeriesDetector {
  readonly options: DetectorOptions
  readonly state: DetectorState
  observe(t: number, value: number): Observation
  /** True when a retrain is due and autoTrain is off. */
  trainingDue(): boolean
  /** Trains on the current window now; returns false (and keeps the fallback) on failure. */
  train(): boolean
}

export function createDetectorState(o: DetectorOptions): DetectorState {
  const dim = o.features.length
  return {
    dim,
    features: createFeatureState(o),
    fallback: createFallbackState(),
    rows: o.rowPrecision === 32 ? new Float32Array(o.window * dim) : new Float64Array(o.window * dim),
    rowCount: 0,
    rowsSinceTrain: 0,
    trainRound: 0,
    forest: null,
    calibration: { base: 0.5 },
    lastTrainAt: 0,
    lastT: -Infinity,
    cooldownLeft: 0,
    alertScore: 0,
    alerts: createAlertMemory(ALERT_MEMORY),
    trainPending: false,
    lastTrainError: '',
  }
}

/** Float32 training rows widened into a buffer reused by every training on this thread. */
let wide = new Float64Array(0)
function widen(rows: Float64Array | Float32Array): Float64Array {
  if (rows instanceof Float64Array) return rows
  if (wide.length < rows.length) wide = new Float64Array(rows.length)
  const out = wide.subarray(0, rows.length)
  out.set(rows)
  return out
}

/** Seams for tests: a trainer that fails shows the fallback taking over. */
export interface DetectorDeps {
  readonly trainForest?: typeof trainForest
}

/**
 * Trains a forest on the state's window and fits its calibration. Pure apart from `s` (and
 * `cache`, which then holds the calibration rows' scores under the new forest).
 */
export function trainState(s: DetectorState, o: DetectorOptions, deps: DetectorDeps = {}, cache: ScoreCache = createScoreCache(s.dim, o.scoreCacheSlots)): boolean {
  const count = Math.min(s.rowCount, o.window)
  s.trainPending = false
  s.rowsSinceTrain = 0
  s.trainRound++
  // The new trees are written into the old forest's arrays when they fit, so from here on the
  // old forest is no model of its own: a retrain that fails scores with the fallback.
  const donor = s.forest ?? undefined
  s.forest = null
  try {
    const rows = widen(s.rows.subarray(0, count * s.dim))
    const options = {
      trees: o.trees,
      sampleSize: o.sampleSize,
      seed: mixSeed(o.seed, s.trainRound),
      ...(o.maxDepth > 0 ? { maxDepth: o.maxDepth } : {}),
    }
    const forest = (deps.trainForest ?? trainForest)(rows, count, s.dim, options, donor)
    const step = Math.max(1, Math.floor(count / o.calibrationRows))
    const scores: number[] = []
    for (let r = 0; o.calibrationRows > 0 && r < count; r += step) {
      scores.push(cache.score(forest, rows.subarray(r * s.dim, (r + 1) * s.dim)))
    }
    s.forest = forest
    s.calibration = fitCalibration(scores)
    s.lastTrainAt = s.lastT
    s.lastTrainError = ''
    return true
  } catch (err) {
    s.lastTrainError = err instanceof Error ? err.message : String(err)
    return false
  }
}

/**
 * A streaming, causal detector for one series: the result for (t, value) depends only on the
 * points observed before it and on itself. Training happens after the point that made it due
 * is scored, so the new forest first scores the next point.
 */
export function createDetector(partial: Partial<DetectorOptions> = {}, restored?: DetectorState, deps: DetectorDeps = {}): SeriesDetector {
  const o = resolveOptions(partial)
  const s = restored ?? createDetectorState(o)
  const precisionFits = s.rows instanceof Float32Array === (o.rowPrecision === 32)
  if (s.dim !== o.features.length || s.rows.length !== o.window * s.dim || !precisionFits) {
    throw new RangeError('anomaly detector: restored state does not match the options')
  }
  const x = new Float64Array(s.dim)
  const cache = createScoreCache(s.dim, o.scoreCacheSlots)
  let last: Observation = { score: 0, anomalous: false, mode: s.forest ? 'forest' : 'fallback' }

  const observe = (t: number, value: number): Observation => {
    if (!Number.isFinite(value) || !Number.isFinite(t)) return last
    extractFeatures(s.features, o, t, value, x)
    const fb = fallbackObserve(s.fallback, o.fallback, value)
    let score: number
    let mode: DetectorMode
    if (s.forest) {
      score = calibrate(cache.score(s.forest, x), s.calibration)
      mode = 'forest'
    } else {
      score = fb
      mode = 'fallback'
    }
    // Alert cooldown: one alert per event, unless the event escalates.
    if (s.cooldownLeft > 0) {
      s.cooldownLeft--
      if (score >= o.threshold && score <= s.alertScore + o.escalation * (1 - s.alertScore)) {
        score = Math.max(0, o.threshold - 0.001)
      } else if (score >= o.threshold) {
        s.alertScore = score
        s.cooldownLeft = o.cooldown
      }
    } else if (score >= o.threshold && o.recurrence && isRecurring(s.alerts, o.recurrence, o.escalation, t, score)) {
      // A daily job: remembered (so tomorrow's is recognised too), not raised.
      rememberAlert(s.alerts, t, score)
      score = Math.max(0, o.threshold - 0.001)
    } else if (score >= o.threshold) {
      s.alertScore = score
      s.cooldownLeft = o.cooldown
      if (o.recurrence) rememberAlert(s.alerts, t, score)
    }
    s.rows.set(x, (s.rowCount % o.window) * s.dim)
    s.rowCount++
    s.rowsSinceTrain++
    s.lastT = t
    // Before the first forest: due at minTrain rows; after a failed attempt, retry on schedule.
    const due = s.forest || s.trainRound > 0 ? s.rowsSinceTrain >= o.retrainEvery : s.rowCount >= o.minTrain
    if (due) {
      if (o.autoTrain) trainState(s, o, deps, cache)
      else s.trainPending = true
    }
    last = { score, anomalous: score >= o.threshold, mode }
    return last
  }

  return {
    options: o,
    state: s,
    observe,
    trainingDue: () => s.trainPending,
    train: () => trainState(s, o, deps, cache),
  }
}
