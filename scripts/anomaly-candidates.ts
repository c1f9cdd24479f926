import { COMPACT_OPTIONS, type DetectorOptions } from '../src/detectors/anomaly/options.ts'

/**
 * Candidate engine configurations scored by scripts/anomaly-eval.ts. Every one is a single
 * configuration for every series (no labels, nothing per file); docs/anomaly.md records what
 * each scored.
 */
export interface Candidate {
  readonly about: string
  readonly options: Partial<DetectorOptions>
}

const LIK = { short: 5, alpha: 0.001, warmup: 300, tail: 1e-4, at: 0.75, minSd: 0.01 }

export const CANDIDATES: Record<string, Candidate> = {} as Record<string, Candidate>
Object.assign(CANDIDATES, {
  baseline: { about: 'the engine before issue 20 (61.8 on the public files)', options: {} },
  ...likelihoodGrid(),
  ...barGrid(),
  'f-vol': { about: 'features value, seasonal, volatility', options: { features: ['value', 'seasonal', 'volatility'] } },
  'f-res': { about: 'features value, seasonal, residual', options: { features: ['value', 'seasonal', 'residual'] } },
  'f-diff': { about: 'features value, seasonal, diff', options: { features: ['value', 'seasonal', 'diff'] } },
  'cool300': { about: 'cooldown 300', options: { cooldown: 300 } },
  'cool500': { about: 'cooldown 500', options: { cooldown: 500 } },
  ...quietGrid(),
  'rec1h': { about: 'recurring alerts (a day apart, +-1 h) held back', options: { recurrence: { periodMs: 86_400_000, toleranceMs: 3_600_000, periods: 1 } } },
  'rec1h-2d': { about: 'recurring alerts (1-2 days apart, +-1 h) held back', options: { recurrence: { periodMs: 86_400_000, toleranceMs: 3_600_000, periods: 2 } } },
  'rec2h': { about: 'recurring alerts (a day apart, +-2 h) held back', options: { recurrence: { periodMs: 86_400_000, toleranceMs: 7_200_000, periods: 1 } } },
  'rec30m': { about: 'recurring alerts (a day apart, +-30 min) held back', options: { recurrence: { periodMs: 86_400_000, toleranceMs: 1_800_000, periods: 1 } } },
  compact: { about: 'the compact model (options.ts COMPACT_OPTIONS)', options: COMPACT_OPTIONS },
  'compact-t16': { about: 'compact, 16 trees of 32 rows', options: { ...COMPACT_OPTIONS, trees: 16, sampleSize: 32 } },
  'compact-t8': { about: 'compact, 8 trees of 128 rows', options: { ...COMPACT_OPTIONS, trees: 8, sampleSize: 128 } },
  'compact-w1k': { about: 'compact, 1,000-row window, 10 trees', options: { ...COMPACT_OPTIONS, window: 1000, trees: 10 } },
  'compact-w2k-t8': { about: 'compact, 2,000-row window, 8 trees of 64', options: { ...COMPACT_OPTIONS, window: 2000, trees: 8 } },
  'compact-w2k-t12': { about: 'compact, 2,000-row window, 12 trees of 64', options: { ...COMPACT_OPTIONS, window: 2000 } },
  'compact-w2k-t16-p32': { about: 'compact, 2,000-row window, 16 trees of 32', options: { ...COMPACT_OPTIONS, window: 2000, trees: 16, sampleSize: 32 } },
  'compact-w2k-t12-r300': { about: 'compact, 2,000-row window, 12 trees of 64, retrain 300', options: { ...COMPACT_OPTIONS, window: 2000, retrainEvery: 300 } },
  'cw-thr0.8': { about: 'compact w2k r300, threshold 0.8', options: { ...COMPACT_OPTIONS, window: 2000, retrainEvery: 300, threshold: 0.8 } },
  'cw-thr0.85': { about: 'compact w2k r300, threshold 0.85', options: { ...COMPACT_OPTIONS, window: 2000, retrainEvery: 300, threshold: 0.85 } },
  'cw-t16-thr0.8': { about: 'compact w2k r300, 16 trees, threshold 0.8', options: { ...COMPACT_OPTIONS, window: 2000, retrainEvery: 300, threshold: 0.8, trees: 16 } },
  'cw-p128-t8-thr0.8': { about: 'compact w2k r300, 8 trees of 128, threshold 0.8', options: { ...COMPACT_OPTIONS, window: 2000, retrainEvery: 300, threshold: 0.8, trees: 8, sampleSize: 128 } },
  'cd-p256-d6': { about: 'compact w2k r300, 12 trees of 256 rows, depth 6', options: { ...COMPACT_OPTIONS, window: 2000, retrainEvery: 300, sampleSize: 256, maxDepth: 6 } },
  'cd-p512-d6': { about: 'compact w2k r300, 12 trees of 512 rows, depth 6', options: { ...COMPACT_OPTIONS, window: 2000, retrainEvery: 300, sampleSize: 512, maxDepth: 6 } },
  'cd-p512-d5-t24': { about: 'compact w2k r300, 24 trees of 512 rows, depth 5', options: { ...COMPACT_OPTIONS, window: 2000, retrainEvery: 300, sampleSize: 512, maxDepth: 5, trees: 24 } },
  'cd-p256-d4-t48': { about: 'compact w2k r300, 48 trees of 256 rows, depth 4', options: { ...COMPACT_OPTIONS, window: 2000, retrainEvery: 300, sampleSize: 256, maxDepth: 4, trees: 48 } },
  'd5': { about: 'default, depth cap 5', options: { maxDepth: 5 } },
  'd6': { about: 'default, depth cap 6', options: { maxDepth: 6 } },
  'd7': { about: 'default, depth cap 7', options: { maxDepth: 7 } },
  'cd-t10-w1k': { about: 'compact r300, 10 trees of 512 rows, depth 6, 1,000-row window', options: { ...COMPACT_OPTIONS, window: 1000, retrainEvery: 300, sampleSize: 512, maxDepth: 6, trees: 10 } },
  'cd-t10-w2k': { about: 'compact r300, 10 trees of 512 rows, depth 6, 2,000-row window', options: { ...COMPACT_OPTIONS, window: 2000, retrainEvery: 300, sampleSize: 512, maxDepth: 6, trees: 10 } },
  'cs-t10': { about: 'compact: 10 trees of 512 rows, depth 6, 1,000 rows one point in 2, retrain 150 rows', options: { ...COMPACT_OPTIONS, window: 1000, windowStride: 2, retrainEvery: 150, minTrain: 75, sampleSize: 512, maxDepth: 6, trees: 10 } },
  'cs-t12': { about: 'compact: 12 trees of 512 rows, depth 6, 1,000 rows one point in 2, retrain 150 rows', options: { ...COMPACT_OPTIONS, window: 1000, windowStride: 2, retrainEvery: 150, minTrain: 75, sampleSize: 512, maxDepth: 6, trees: 12 } },
  'cs-t10-r100': { about: 'compact: 10 trees of 512 rows, depth 6, 1,000 rows one point in 2, retrain 100 rows', options: { ...COMPACT_OPTIONS, window: 1000, windowStride: 2, retrainEvery: 100, minTrain: 75, sampleSize: 512, maxDepth: 6, trees: 10 } },
  'cf-t10': { about: 'compact: 10 trees of 512 rows, depth 6, 2,000 float32 rows, retrain 300', options: { ...COMPACT_OPTIONS, window: 2000, rowPrecision: 32, retrainEvery: 300, sampleSize: 512, maxDepth: 6, trees: 10 } },
  'cf-t10-r150': { about: 'compact: 10 trees of 512 rows, depth 6, 2,000 float32 rows, retrain 150', options: { ...COMPACT_OPTIONS, window: 2000, rowPrecision: 32, retrainEvery: 150, sampleSize: 512, maxDepth: 6, trees: 10 } },
  'd7-t150': { about: 'default, depth cap 7, 150 trees', options: { maxDepth: 7, trees: 150 } },
  'cool100': { about: 'cooldown 100', options: { cooldown: 100 } },
  'cool400': { about: 'cooldown 400', options: { cooldown: 400 } },
  'cool800': { about: 'cooldown 800', options: { cooldown: 800 } },
  'esc1': { about: 'no escalation', options: { escalation: 1 } },
  'esc0.3': { about: 'escalation 0.3', options: { escalation: 0.3 } },
  'esc0.7': { about: 'escalation 0.7', options: { escalation: 0.7 } },
})

function likelihoodGrid(): Record<string, Candidate> {
  const out: Record<string, Candidate> = {}
  const add = (name: string, l: Partial<typeof LIK>, combine: 'max' | 'likelihood' = 'max'): void => {
    const o = { ...LIK, ...l }
    out[name] = { about: `likelihood ${JSON.stringify(l)} ${combine}`, options: { likelihood: o, combine } }
  }
  add('lik', {})
  add('lik-only', {}, 'likelihood')
  add('lik-s10', { short: 10 })
  add('lik-s3', { short: 3 })
  add('lik-t1e-3', { tail: 1e-3 })
  add('lik-t1e-5', { tail: 1e-5 })
  add('lik-a3e-3', { alpha: 0.003 })
  add('lik-a3e-4', { alpha: 0.0003 })
  add('lik-only-s10', { short: 10 }, 'likelihood')
  add('lik-only-s1', { short: 1 }, 'likelihood')
  return out
}

function barGrid(): Record<string, Candidate> {
  const out: Record<string, Candidate> = {}
  for (const step of [0.05, 0.1, 0.2]) {
    for (const halfLife of [300, 1000, 3000]) {
      out[`bar${step}-h${halfLife}`] = { about: `decaying bar step ${step} half-life ${halfLife}`, options: { bar: { step, halfLife } } }
    }
  }
  return out
}

function quietGrid(): Record<string, Candidate> {
  const out: Record<string, Candidate> = {}
  for (const cooldown of [50, 100, 200]) {
    for (const q of [10, 30, 100]) {
      out[`c${cooldown}-q${q}`] = { about: `cooldown ${cooldown}, re-arm after ${q} quiet points`, options: { cooldown, rearmQuiet: q } }
    }
  }
  return out
}
