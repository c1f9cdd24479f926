import { createEnvelopeState, envelopeAdd, envelopeDistance, envelopeResidual, type SeasonalEnvelopeOptions, type SeasonalEnvelopeState } from './seasonal-envelope.ts'

/**
 * Causal per-point features. Each sees the point and what came before it, never after.
 * - value: the level itself (new highs and lows, level shifts).
 * - seasonal: signed distance to the values seen around the same time one period ago
 *   (seasonal-envelope.ts): a daily job's spike is near yesterday's spike; a new spike is not.
 * - seasonalweek: the daily distance, or the same against one week ago (`weekly` envelope
 *   options) when that is smaller: a weekly pattern (the quiet weekend after a busy Friday,
 *   Monday's morning peak) does not look new against yesterday, so the forest does not learn
 *   that large daily residuals are ordinary, and a holiday's quiet weekday stands out. The
 *   daily distance alone until there is a week of history.
 * - diff: change from the previous point.
 * - residual: value minus the mean of the previous `residualWindow` points.
 * - volatility: standard deviation of the last `residualWindow` points, this one included.
 */
export type FeatureName = 'value' | 'seasonal' | 'seasonalweek' | 'diff' | 'residual' | 'volatility'

export const FEATURE_NAMES: readonly FeatureName[] = ['value', 'seasonal', 'seasonalweek', 'diff', 'residual', 'volatility']

export interface FeatureOptions {
  readonly features: readonly FeatureName[]
  readonly seasonal: SeasonalEnvelopeOptions
  /** The weekly envelope (kept only when a feature uses it). */
  readonly weekly: SeasonalEnvelopeOptions
  readonly residualWindow: number
}

export interface FeatureState {
  /** The last `residualWindow` values, oldest overwritten first. */
  readonly recent: Float64Array
  seen: number
  readonly envelope: SeasonalEnvelopeState
  /** null unless a feature reads the weekly envelope. */
  readonly week: SeasonalEnvelopeState | null
}

export const usesWeek = (o: FeatureOptions): boolean => o.features.some((f) => f === 'seasonalweek')

export function createFeatureState(o: FeatureOptions): FeatureState {
  return {
    recent: new Float64Array(Math.max(1, o.residualWindow)),
    seen: 0,
    envelope: createEnvelopeState(o.seasonal),
    week: usesWeek(o) ? createEnvelopeState(o.weekly) : null,
  }
}

/** Writes the features of (t, x) into `out` and then records the point. */
export function extractFeatures(s: FeatureState, o: FeatureOptions, t: number, x: number, out: Float64Array): void {
  const w = s.recent.length
  const have = Math.min(s.seen, w)
  const last = s.seen > 0 ? s.recent[(s.seen - 1) % w]! : x
  for (let i = 0; i < o.features.length; i++) {
    switch (o.features[i]!) {
      case 'value':
        out[i] = x
        break
      case 'seasonal':
        out[i] = envelopeResidual(s.envelope, o.seasonal, t, x)
        break
      case 'seasonalweek': {
        const d = envelopeDistance(s.envelope, o.seasonal, t, x)
        const w = envelopeDistance(s.week!, o.weekly, t, x)
        const v = Number.isNaN(w) || Math.abs(d) <= Math.abs(w) ? d : w
        out[i] = Number.isNaN(v) ? 0 : v
        break
      }
      case 'diff':
        out[i] = x - last
        break
      case 'residual': {
        let sum = 0
        for (let k = 0; k < have; k++) sum += s.recent[k]!
        out[i] = have > 0 ? x - sum / have : 0
        break
      }
      case 'volatility': {
        let sum = x
        let sq = x * x
        // The window is the point and the previous w - 1.
        const n = Math.min(have, w - 1)
        for (let k = 1; k <= n; k++) {
          const v = s.recent[(s.seen - k) % w]!
          sum += v
          sq += v * v
        }
        const m = sum / (n + 1)
        out[i] = Math.sqrt(Math.max(0, sq / (n + 1) - m * m))
        break
      }
    }
  }
  for (let i = 0; i < o.features.length; i++) {
    // Differences of values near the float limits overflow; keep rows finite for the forest.
    if (!Number.isFinite(out[i]!)) out[i] = 0
  }
  s.recent[s.seen % w] = x
  s.seen++
  envelopeAdd(s.envelope, o.seasonal, t, x)
  if (s.week) envelopeAdd(s.week, o.weekly, t, x)
}
