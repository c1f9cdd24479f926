import type { FallbackOptions } from './fallback.ts'
import type { FeatureOptions } from './features.ts'

/** Every knob of a series detector. One configuration serves every series: nothing per file. */
export interface DetectorOptions extends FeatureOptions {
  /** Feature rows kept for training (a rolling window). */
  readonly window: number
  /** Rows seen before the first forest is trained; the fallback scores until then. */
  readonly minTrain: number
  /** Rows between retrains on the rolling window. */
  readonly retrainEvery: number
  readonly trees: number
  /** Rows drawn per tree. */
  readonly sampleSize: number
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
  /** Train inside observe() when due (offline `detect`); false leaves it to train(). */
  readonly autoTrain: boolean
}

/** The documented decision threshold on the calibrated score. */
export const ANOMALY_THRESHOLD = 0.75

export const DEFAULT_OPTIONS: DetectorOptions = {
  features: ['value', 'seasonal'],
  seasonal: { periodMs: 86_400_000, toleranceMs: 3_600_000, bucketMs: 300_000 },
  residualWindow: 12,
  window: 2000,
  minTrain: 150,
  retrainEvery: 300,
  trees: 100,
  sampleSize: 512,
  seed: 1,
  calibrationRows: 128,
  threshold: ANOMALY_THRESHOLD,
  cooldown: 200,
  escalation: 0.5,
  fallback: { alpha: 0.01, clip: 4, zLow: 2, zHigh: 22 / 3 },
  autoTrain: true,
}

export function resolveOptions(partial: Partial<DetectorOptions> = {}): DetectorOptions {
  const o = { ...DEFAULT_OPTIONS, ...partial }
  if (!(o.window >= 2 && o.minTrain >= 2 && o.minTrain <= o.window)) {
    throw new RangeError(`anomaly detector: need 2 <= minTrain <= window, got ${o.minTrain}, ${o.window}`)
  }
  if (!(o.retrainEvery >= 1 && o.trees >= 1 && o.sampleSize >= 2 && o.cooldown >= 0)) {
    throw new RangeError('anomaly detector: retrainEvery, trees >= 1, sampleSize >= 2, cooldown >= 0')
  }
  if (o.features.length < 1) throw new RangeError('anomaly detector: no features')
  return o
}
