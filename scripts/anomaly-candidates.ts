import { COMPACT_OPTIONS, type DetectorOptions } from '../src/detectors/anomaly/options.ts'
import { POD_MODEL } from '../src/detectors/pod-anomaly.ts'

/**
 * Candidate engine configurations scored by scripts/anomaly-eval.ts. Every one is a single
 * configuration for every series (no labels, nothing per file); docs/anomaly.md records what
 * each scored. Candidates that needed engine code which was then rejected (likelihood
 * post-processing, recurring-alert hold, decaying alert bar, re-arm after quiet, strided
 * window) run at commit 04f3965, where this table also lists them.
 */
export interface Candidate {
  readonly about: string
  readonly options: Partial<DetectorOptions>
}

const COMPACT_2K: Partial<DetectorOptions> = { ...COMPACT_OPTIONS }

export const CANDIDATES: Record<string, Candidate> = {
  baseline: { about: 'the default engine', options: {} },
  compact: { about: 'the compact model (options.ts COMPACT_OPTIONS)', options: COMPACT_OPTIONS },
  pod: { about: 'the pod detector (pod-anomaly.ts POD_MODEL): compact, 8 trees, 1,000-row window', options: POD_MODEL },
  'compact-w1000': { about: 'compact with a 1,000-row window', options: { ...COMPACT_OPTIONS, window: 1000 } },
  // Recurring alerts (the default holds back an alert seen at this time of day on each of
  // the two previous days, +-1 h).
  'no-recurrence': { about: 'the engine before issue 20: no recurring-alert hold', options: { recurrence: null } },
  'rec-1d-30m': { about: 'hold an alert seen a day earlier (+-30 min)', options: { recurrence: { periodMs: 86_400_000, toleranceMs: 1_800_000, periods: 1 } } },
  'rec-2d-30m': { about: 'hold an alert seen on both previous days (+-30 min)', options: { recurrence: { periodMs: 86_400_000, toleranceMs: 1_800_000, periods: 2 } } },
  'rec-2d-90m': { about: 'hold an alert seen on both previous days (+-90 min)', options: { recurrence: { periodMs: 86_400_000, toleranceMs: 5_400_000, periods: 2 } } },
  'rec-2d-2h': { about: 'hold an alert seen on both previous days (+-2 h)', options: { recurrence: { periodMs: 86_400_000, toleranceMs: 7_200_000, periods: 2 } } },
  'rec-3d-1h': { about: 'hold an alert seen on the three previous days (+-1 h)', options: { recurrence: { periodMs: 86_400_000, toleranceMs: 3_600_000, periods: 3 } } },
  'compact-no-recurrence': { about: 'the compact model without the recurring-alert hold', options: { ...COMPACT_OPTIONS, recurrence: null } },
  // Alert cooldown and escalation.
  cool100: { about: 'cooldown 100 points', options: { cooldown: 100 } },
  cool300: { about: 'cooldown 300 points', options: { cooldown: 300 } },
  cool400: { about: 'cooldown 400 points', options: { cooldown: 400 } },
  cool500: { about: 'cooldown 500 points', options: { cooldown: 500 } },
  cool800: { about: 'cooldown 800 points', options: { cooldown: 800 } },
  'esc0.3': { about: 'escalation 0.3', options: { escalation: 0.3 } },
  'esc0.7': { about: 'escalation 0.7', options: { escalation: 0.7 } },
  esc1: { about: 'no escalation', options: { escalation: 1 } },
  // Features (a third, shorter time scale beside the value and the daily residual).
  'f-vol': { about: 'features value, seasonal, volatility', options: { features: ['value', 'seasonal', 'volatility'] } },
  'f-res': { about: 'features value, seasonal, residual', options: { features: ['value', 'seasonal', 'residual'] } },
  'f-diff': { about: 'features value, seasonal, diff', options: { features: ['value', 'seasonal', 'diff'] } },
  // Longer seasons (second session): a weekly envelope beside the daily one.
  weekly: { about: 'features value, seasonal, weekly (residual against a week ago, +-1 h, 15-min buckets)', options: { features: ['value', 'seasonal', 'weekly'] } },
  seasonalweek: { about: 'features value, seasonalweek (the smaller of the daily and weekly residuals)', options: { features: ['value', 'seasonalweek'] } },
  'sw-b5': { about: 'seasonalweek, weekly envelope in 5-min buckets', options: { features: ['value', 'seasonalweek'], weekly: { periodMs: 7 * 86_400_000, toleranceMs: 3_600_000, bucketMs: 300_000 } } },
  'sw-tol2h': { about: 'seasonalweek, weekly envelope +-2 h', options: { features: ['value', 'seasonalweek'], weekly: { periodMs: 7 * 86_400_000, toleranceMs: 7_200_000, bucketMs: 900_000 } } },
  seasonalmulti: { about: 'features value, seasonalmulti (the smallest residual against 1, 2 and 7 days ago)', options: { features: ['value', 'seasonalmulti'] } },
  'weekly-only': { about: 'features value, weekly', options: { features: ['value', 'weekly'] } },
  // Stability of the calibration and the forest.
  cal512: { about: 'calibration on 512 rows of the window (128 today)', options: { calibrationRows: 512 } },
  q75: { about: 'calibration zero at the 75th percentile of the training scores (median today)', options: { calibrationQuantile: 0.75 } },
  q90: { about: 'calibration zero at the 90th percentile', options: { calibrationQuantile: 0.9 } },
  'confirm0.3': { about: 'an alert needs the previous point scored >= 0.3', options: { confirm: 0.3 } },
  'confirm0.5': { about: 'an alert needs the previous point scored >= 0.5', options: { confirm: 0.5 } },
  t200: { about: '200 trees (100 today)', options: { trees: 200 } },
  // Tree depth.
  d5: { about: 'default, depth cap 5', options: { maxDepth: 5 } },
  d6: { about: 'default, depth cap 6', options: { maxDepth: 6 } },
  d7: { about: 'default, depth cap 7', options: { maxDepth: 7 } },
  'd7-t150': { about: 'default, depth cap 7, 150 trees', options: { maxDepth: 7, trees: 150 } },
  // Compact model variants (the chosen one is COMPACT_OPTIONS).
  'compact-v1': { about: '12 trees of 64 rows, 512-row window, retrain 100', options: { window: 512, trees: 12, sampleSize: 64, retrainEvery: 100, calibrationRows: 64, scoreCacheSlots: 64 } },
  'compact-p64-w2k': { about: '12 trees of 64 rows, 2,000-row window, retrain 300', options: { ...COMPACT_2K, rowPrecision: 64, sampleSize: 64, maxDepth: 0, trees: 12 } },
  'compact-p256-d6': { about: '12 trees of 256 rows, depth 6, 2,000 float64 rows', options: { ...COMPACT_2K, rowPrecision: 64, sampleSize: 256, trees: 12 } },
  'compact-p512-d6-t12': { about: '12 trees of 512 rows, depth 6, 2,000 float64 rows (75 KiB)', options: { ...COMPACT_2K, rowPrecision: 64, trees: 12 } },
  'compact-p512-d5-t24': { about: '24 trees of 512 rows, depth 5', options: { ...COMPACT_2K, maxDepth: 5, trees: 24 } },
  'compact-p256-d4-t48': { about: '48 trees of 256 rows, depth 4', options: { ...COMPACT_2K, sampleSize: 256, maxDepth: 4, trees: 48 } },
  'compact-sw': { about: 'compact with seasonalweek: weekly envelope in 1-h buckets, daily in 10-min buckets (fits 64 KiB)', options: { ...COMPACT_2K, features: ['value', 'seasonalweek'], seasonal: { periodMs: 86_400_000, toleranceMs: 3_600_000, bucketMs: 600_000 }, weekly: { periodMs: 7 * 86_400_000, toleranceMs: 3_600_000, bucketMs: 3_600_000 } } },
  'compact-r150': { about: 'compact, retrain every 150 rows', options: { ...COMPACT_2K, retrainEvery: 150 } },
}
