/**
 * Statistical fallback used while the forest is cold (and if training fails): an exponentially
 * weighted mean and variance of the value, updated with the deviation clipped to `clip` standard
 * deviations so one spike does not inflate the spread, and scored as a z-score.
 */
export interface FallbackOptions {
  /** Smoothing weight once warm; the first 1/alpha points use 1/n (a plain running mean). */
  readonly alpha: number
  /** Deviations are clipped to this many standard deviations before updating. */
  readonly clip: number
  /** z at and below which the score is 0. */
  readonly zLow: number
  /** z at which the score reaches 1. */
  readonly zHigh: number
}

export interface FallbackState {
  n: number
  mean: number
  variance: number
}

export function createFallbackState(): FallbackState {
  return { n: 0, mean: 0, variance: 0 }
}

/** Score of x in [0, 1] against the state before x, then x is folded in. */
export function fallbackObserve(s: FallbackState, o: FallbackOptions, x: number): number {
  let score = 0
  const sd = Math.sqrt(s.variance)
  if (s.n >= 2) {
    const dev = Math.abs(x - s.mean)
    // A flat history makes any change infinitely surprising; keep a floor relative to the level.
    const floor = 1e-9 * Math.max(1, Math.abs(s.mean))
    const z = dev / Math.max(sd, floor)
    score = Math.min(1, Math.max(0, (z - o.zLow) / (o.zHigh - o.zLow)))
  }
  const a = Math.max(o.alpha, 1 / (s.n + 1))
  let d = x - s.mean
  if (s.n >= 2 && sd > 0) {
    const lim = o.clip * sd
    d = Math.max(-lim, Math.min(lim, d))
  }
  s.mean += a * d
  s.variance = (1 - a) * (s.variance + a * d * d)
  s.n++
  return score
}
