import type { FallbackOptions } from './fallback.ts'
import type { FeatureOptions } from './features.ts'

/** Every knob of a series detector. One configuration serves every series: nothing per file. */
export interface DetectorOptions extends FeatureOptions {
  /** Feature rows kept for training (a rolling window). */
  readonly window: number
  /** Training rows stored as float64, or float32 (half the memory; the forest is float32 anyway). */
  readonly rowPrecision: 32 | 64
  /** Rows seen before the first forest is trained; the fallback scores until then. */
  readonly minTrain: number
  /** Rows between retrains on the rolling window. */
  readonly retrainEvery: number
  readonly trees: number
  /** Rows drawn per tree. */
  readonly sampleSize: number
  /** Tree depth cap; 0: ceil(log2 sampleSize), the isolation forest's usual limit. */
  readonly maxDepth: number
  readonly seed: number
  /** Rows of the window scored at training time to fit the calibration. */
  readonly calibrationRows: number
  /** A score at or above this is `anomalous`. */
  readonly threshold: number
  /**
   * Points after an alert during which the score is held just below the threshold, unless it
   * rises above the score that raised the alert (an escalation alerts again).
   */
  readonly cooldown: number
  /**
   * Inside a cooldown a score alerts again only if it climbs more than this fraction of the way
   * from the alerting score to 1 (0.5: halfway), so a bigger event is not hidden by a small one.
   */
  readonly escalation: number
  readonly fallback: FallbackOptions
  /**
   * Recurring alerts: an alert that comes back at the time of day of alerts on each of the
   * `periods` previous days (within `toleranceMs` of t - k * periodMs, k = 1..periods) is a
   * recurring pattern, a daily job, and is held below the threshold unless it escalates over
   * them. Held-back alerts are remembered too, so the pattern stays recognised. null: off.
   */
  readonly recurrence: RecurrenceOptions | null
  /** Slots of the per-detector cache of scores of rows repeated under one forest (score-cache.ts). */
  readonly scoreCacheSlots: number
  /** Train inside observe() when due (offline `detect`); false leaves it to train(). */
  readonly autoTrain: boolean
}

export interface RecurrenceOptions {
  readonly periodMs: number
  readonly toleranceMs: number
  readonly periods: number
}

/** Alerts remembered for the recurrence check (one per 200 points at most: days at 15 s). */
export const ALERT_MEMORY = 64

/** The documented decision threshold on the calibrated score. */
export const ANOMALY_THRESHOLD = 0.75

export const DEFAULT_OPTIONS: DetectorOptions = {
  features: ['value', 'seasonalweek'],
  seasonal: { periodMs: 86_400_000, toleranceMs: 3_600_000, bucketMs: 300_000 },
  weekly: { periodMs: 7 * 86_400_000, toleranceMs: 3_600_000, bucketMs: 300_000 },
  residualWindow: 12,
  window: 2000,
  rowPrecision: 64,
  minTrain: 150,
  retrainEvery: 300,
  trees: 100,
  sampleSize: 512,
  maxDepth: 0,
  seed: 1,
  calibrationRows: 128,
  threshold: ANOMALY_THRESHOLD,
  cooldown: 200,
  escalation: 0.5,
  fallback: { alpha: 0.01, clip: 4, zLow: 2, zHigh: 22 / 3 },
  recurrence: { periodMs: 86_400_000, toleranceMs: 3_600_000, periods: 2 },
  scoreCacheSlots: 1024,
  autoTrain: true,
}

/**
 * The compact model, for many series: at most 64 KiB of state per series, everything
 * included (test/anomaly/compact.test.ts measures it). 10 trees of 512 rows capped at depth 6
 * (at most 127 nodes, 3.6 KB a tree), the same 2,000-row window stored as float32, a 64-slot
 * score cache, coarser envelopes (daily in 10-minute buckets, weekly in 1-hour buckets: 7.9 KB
 * together, where the default's two, both in 5-minute buckets, take 56.5 KB). The depth cap
 * is what keeps it close to the default: 12 trees of 64 rows (the same memory, full depth)
 * scored 46 on NAB, 10 trees of 512 rows at depth 6 score 58-61 (61.7 with the week back).
 */
export const COMPACT_OPTIONS: Partial<DetectorOptions> = {
  seasonal: { periodMs: 86_400_000, toleranceMs: 3_600_000, bucketMs: 600_000 },
  weekly: { periodMs: 7 * 86_400_000, toleranceMs: 3_600_000, bucketMs: 3_600_000 },
  trees: 10,
  sampleSize: 512,
  maxDepth: 6,
  rowPrecision: 32,
  calibrationRows: 64,
  scoreCacheSlots: 64,
}

export type ModelName = 'default' | 'compact'
export const MODEL_NAMES: readonly ModelName[] = ['default', 'compact']

/** The options of a named model (a starting point; `partial` goes on top). */
export function modelOptions(model: ModelName, partial: Partial<DetectorOptions> = {}): Partial<DetectorOptions> {
  return { ...(model === 'compact' ? COMPACT_OPTIONS : {}), ...partial }
}

export function resolveOptions(partial: Partial<DetectorOptions> = {}): DetectorOptions {
  const o = { ...DEFAULT_OPTIONS, ...partial }
  if (!(o.window >= 2 && o.minTrain >= 2 && o.minTrain <= o.window)) {
    throw new RangeError(`anomaly detector: need 2 <= minTrain <= window, got ${o.minTrain}, ${o.window}`)
  }
  if (!(o.retrainEvery >= 1 && o.trees >= 1 && o.sampleSize >= 2 && o.cooldown >= 0)) {
    throw new RangeError('anomaly detector: retrainEvery, trees >= 1, sampleSize >= 2, cooldown >= 0')
  }
  if (!(Number.isInteger(Math.log2(o.scoreCacheSlots)) && o.scoreCacheSlots >= 4)) {
    throw new RangeError('anomaly detector: scoreCacheSlots must be a power of 2, at least 4')
  }
  if (!(Number.isInteger(o.maxDepth) && o.maxDepth >= 0 && o.maxDepth <= 30) || (o.rowPrecision !== 32 && o.rowPrecision !== 64)) {
    throw new RangeError('anomaly detector: maxDepth must be an integer 0..30, rowPrecision 32 or 64')
  }
  const r = o.recurrence
  if (r && !(r.periodMs > 0 && r.toleranceMs >= 0 && r.toleranceMs < r.periodMs / 2 && Number.isInteger(r.periods) && r.periods >= 1)) {
    throw new RangeError('anomaly detector: recurrence needs periodMs > 0, 0 <= toleranceMs < periodMs / 2, periods >= 1')
  }
  if (o.features.length < 1) throw new RangeError('anomaly detector: no features')
  return o
}
