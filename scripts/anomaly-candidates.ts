import { COMPACT_OPTIONS, type DetectorOptions } from '../src/detectors/anomaly/options.ts'
import { POD_MODEL } from '../src/detectors/pod-anomaly.ts'

/**
 * Candidate engine configurations scored by scripts/anomaly-eval.ts. Every one is a single
 * configuration for every series (no labels, nothing per file); docs/anomaly.md records what
 * each scored. Candidates that needed engine code which was then rejected (likelihood
 * post-processing, recurring-alert hold, decaying alert bar, re-arm after quiet, strided
 * window) run at commit 04f3965, where this table also lists them; those of the second
 * session (a weekly residual as a third feature, the smallest residual over 1, 2 and 7 days,
 * calibration anchored at the q75/q90 score, alerts confirmed by the previous point) at
 * commit 460620c.
 */
export interface Candidate {
  readonly about: string
  readonly options: Partial<DetectorOptions>
}

const COMPACT_2K: Partial<DetectorOptions> = { ...COMPACT_OPTIONS }

export const CANDIDATES: Record<string, Candidate> = {
  baseline: { about: 'the default engine', options: {} },
  compact: { about: 'the compact model (options.ts COMPACT_OPTIONS)', options: COMPACT_OPTIONS },
  pod: { about: 'the pod detector (pod-anomaly.ts POD_MODEL): compact, 6 trees, 960-row window (4 h at 15 s), 8 cache slots', options: POD_MODEL },
  'pod-t8': { about: 'the pod model before its bound had to fit 16 MiB: 8 trees, 64 cache slots', options: { ...POD_MODEL, trees: 8, scoreCacheSlots: 64 } },
  'compact-w1000': { about: 'compact with a 1,000-row window', options: { ...COMPACT_OPTIONS, window: 1000 } },
  'pod-t7': { about: 'the pod model with 7 trees', options: { ...POD_MODEL, trees: 7 } },
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
  // Seasons (second session). The default's seasonal feature is 'seasonalweek': the daily
  // residual or the one against a week ago, whichever is smaller. 'seasonal' is the daily one alone.
  'daily-only': { about: 'the engine before the second session: features value, seasonal (daily residual only)', options: { features: ['value', 'seasonal'] } },
  'sw-b15': {
    about: 'seasonalweek, weekly envelope in 15-min buckets (the first try; 5 min as shipped)',
    options: { weekly: { periodMs: 7 * 86_400_000, toleranceMs: 3_600_000, bucketMs: 900_000 } },
  },
  'sw-tol2h': { about: 'seasonalweek, weekly envelope in 15-min buckets, +-2 h', options: { weekly: { periodMs: 7 * 86_400_000, toleranceMs: 7_200_000, bucketMs: 900_000 } } },
  'w-tol30m': { about: 'weekly envelope +-30 min', options: { weekly: { periodMs: 7 * 86_400_000, toleranceMs: 1_800_000, bucketMs: 300_000 } } },
  'w-tol45m': { about: 'weekly envelope +-45 min', options: { weekly: { periodMs: 7 * 86_400_000, toleranceMs: 2_700_000, bucketMs: 300_000 } } },
  'w-tol15m': { about: 'weekly envelope +-15 min', options: { weekly: { periodMs: 7 * 86_400_000, toleranceMs: 900_000, bucketMs: 300_000 } } },
  'd-tol30m': { about: 'daily envelope +-30 min (+-1 h as shipped)', options: { seasonal: { periodMs: 86_400_000, toleranceMs: 1_800_000, bucketMs: 300_000 } } },
  'd-tol2h': { about: 'daily envelope +-2 h', options: { seasonal: { periodMs: 86_400_000, toleranceMs: 7_200_000, bucketMs: 300_000 } } },
  // Stability of the calibration and the forest.
  cal512: { about: 'calibration on 512 rows of the window (128 today)', options: { calibrationRows: 512 } },
  t200: { about: '200 trees (100 today)', options: { trees: 200 } },
  // Tree depth.
  d5: { about: 'default, depth cap 5', options: { maxDepth: 5 } },
  d6: { about: 'default, depth cap 6', options: { maxDepth: 6 } },
  d7: { about: 'default, depth cap 7', options: { maxDepth: 7 } },
  'd7-t150': { about: 'default, depth cap 7, 150 trees', options: { maxDepth: 7, trees: 150 } },
  // Compact model variants (the chosen one is COMPACT_OPTIONS).
  'compact-v1': {
    about: '12 trees of 64 rows, 512-row window, retrain 100',
    options: { window: 512, trees: 12, sampleSize: 64, retrainEvery: 100, calibrationRows: 64, scoreCacheSlots: 64 },
  },
  'compact-p64-w2k': { about: '12 trees of 64 rows, 2,000-row window, retrain 300', options: { ...COMPACT_2K, rowPrecision: 64, sampleSize: 64, maxDepth: 0, trees: 12 } },
  'compact-p256-d6': { about: '12 trees of 256 rows, depth 6, 2,000 float64 rows', options: { ...COMPACT_2K, rowPrecision: 64, sampleSize: 256, trees: 12 } },
  'compact-p512-d6-t12': { about: '12 trees of 512 rows, depth 6, 2,000 float64 rows (75 KiB)', options: { ...COMPACT_2K, rowPrecision: 64, trees: 12 } },
  'compact-p512-d5-t24': { about: '24 trees of 512 rows, depth 5', options: { ...COMPACT_2K, maxDepth: 5, trees: 24 } },
  'compact-p256-d4-t48': { about: '48 trees of 256 rows, depth 4', options: { ...COMPACT_2K, sampleSize: 256, maxDepth: 4, trees: 48 } },
  'compact-daily-only': {
    about: 'the compact model before the second session: daily residual only, 5-min buckets',
    options: { ...COMPACT_2K, features: ['value', 'seasonal'], seasonal: { periodMs: 86_400_000, toleranceMs: 3_600_000, bucketMs: 300_000 } },
  },
  'compact-d10': { about: 'compact, daily residual only, in 10-min buckets', options: { ...COMPACT_2K, features: ['value', 'seasonal'] } },
  'compact-w60-tol0': {
    about: 'compact, weekly envelope: the 1-h bucket holding t - 7 days only',
    options: { ...COMPACT_2K, weekly: { periodMs: 7 * 86_400_000, toleranceMs: 0, bucketMs: 3_600_000 } },
  },
  'compact-r150': { about: 'compact, retrain every 150 rows', options: { ...COMPACT_2K, retrainEvery: 150 } },
}
