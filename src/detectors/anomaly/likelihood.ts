/**
 * Anomaly likelihood of the recent scores under the series' own long-run score distribution
 * (the idea of numenta's HTM post-processing, written here from its description): the mean of
 * the last `short` raw scores is compared with an exponentially weighted mean and variance of
 * all raw scores (horizon ~ 1 / alpha points), and its Gaussian tail probability p becomes a
 * score, log-scaled so that p = `tail` maps to `at` (the decision threshold):
 *   score = at * log(p) / log(tail), clipped to [0, 1].
 * A lone large raw score and a run of moderately raised ones both reach it; a series whose raw
 * scores are always noisy has a wide long-run spread and needs more to get there.
 * Memory: the short ring and three numbers.
 */
export interface LikelihoodOptions {
  /** Raw scores averaged for the recent behaviour. */
  readonly short: number
  /** Weight of a new raw score in the long-run mean and variance. */
  readonly alpha: number
  /** Points before the long-run distribution is trusted (the likelihood is 0 until then). */
  readonly warmup: number
  /** Tail probability mapped to `at`. */
  readonly tail: number
  /** Score given to a tail probability of `tail`. */
  readonly at: number
  /** Floor on the long-run standard deviation (raw scores of a perfectly quiet series). */
  readonly minSd: number
}

export interface LikelihoodState {
  readonly recent: Float64Array
  n: number
  mean: number
  variance: number
}

export function createLikelihoodState(o: LikelihoodOptions): LikelihoodState {
  return { recent: new Float64Array(Math.max(1, o.short)), n: 0, mean: 0, variance: 0 }
}

/** Upper tail probability of the standard normal (Abramowitz-Stegun 7.1.26 on erfc). */
export function normalTail(z: number): number {
  if (z < 0) return 1 - normalTail(-z)
  const x = z / Math.SQRT2
  const t = 1 / (1 + 0.3275911 * x)
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
  return 0.5 * poly * Math.exp(-x * x)
}

/** Likelihood score of `raw` given what came before, then `raw` is folded in. */
export function likelihoodObserve(s: LikelihoodState, o: LikelihoodOptions, raw: number): number {
  const w = s.recent.length
  s.recent[s.n % w] = raw
  const have = Math.min(s.n + 1, w)
  let sum = 0
  for (let k = 0; k < have; k++) sum += s.recent[k]!
  const recent = sum / have
  let score = 0
  if (s.n >= o.warmup) {
    const sd = Math.max(Math.sqrt(s.variance), o.minSd)
    const p = normalTail((recent - s.mean) / sd)
    score = p <= 0 ? 1 : Math.min(1, Math.max(0, (o.at * Math.log(p)) / Math.log(o.tail)))
  }
  const a = Math.max(o.alpha, 1 / (s.n + 1))
  const d = raw - s.mean
  s.mean += a * d
  s.variance = (1 - a) * (s.variance + a * d * d)
  s.n++
  return score
}
