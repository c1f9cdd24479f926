/**
 * What values looked like around the same time one period ago (a day by default). Time is cut
 * into buckets (5 minutes by default); each bucket keeps the min and max of the values that fell
 * in it, in a ring covering one period plus the tolerance. Memory is fixed by period / bucket,
 * not by the sampling rate, and a query reads at most 2 * tolerance / bucket buckets.
 */
export interface SeasonalEnvelopeOptions {
  /** Season length in ms (86_400_000: daily). */
  readonly periodMs: number
  /** How far either side of t - period to look, in ms: shifts of a daily job are forgiven. */
  readonly toleranceMs: number
  /** Bucket width in ms. */
  readonly bucketMs: number
}

/** Relative distance below which two values count as equal. */
const RESOLUTION = 1e-9

export interface SeasonalEnvelopeState {
  readonly id: Float64Array
  readonly min: Float64Array
  readonly max: Float64Array
}

export function createEnvelopeState(o: SeasonalEnvelopeOptions): SeasonalEnvelopeState {
  const slots = Math.ceil((o.periodMs + 2 * o.toleranceMs) / o.bucketMs) + 2
  return {
    id: new Float64Array(slots).fill(-1),
    min: new Float64Array(slots),
    max: new Float64Array(slots),
  }
}

/**
 * Signed distance from x to the nearest value seen within [t - period - tol, t - period + tol]:
 * 0 when x lies inside some bucket's [min, max], x - max above, x - min below; 0 when nothing
 * was seen there (the first period, or a gap): no evidence of a deviation. (Measuring against
 * the last hour instead while there is no yesterday was tried: it scored NAB 2 points lower,
 * its first-day breakouts teaching the forest that large residuals are ordinary.) A forest
 * trained while the feature was still all 0 gives it no weight (forest.ts).
 */
export function envelopeResidual(s: SeasonalEnvelopeState, o: SeasonalEnvelopeOptions, t: number, x: number): number {
  const d = nearest(s, o, t - o.periodMs - o.toleranceMs, t - o.periodMs + o.toleranceMs, x)
  return Number.isNaN(d) ? 0 : d
}

/** envelopeResidual, but NaN when nothing was seen one period ago. */
export function envelopeDistance(s: SeasonalEnvelopeState, o: SeasonalEnvelopeOptions, t: number, x: number): number {
  return nearest(s, o, t - o.periodMs - o.toleranceMs, t - o.periodMs + o.toleranceMs, x)
}

/** Signed distance from x to the buckets covering [from, to], NaN when none holds data. */
function nearest(s: SeasonalEnvelopeState, o: SeasonalEnvelopeOptions, fromMs: number, toMs: number, x: number): number {
  const slots = s.id.length
  const from = Math.floor(fromMs / o.bucketMs)
  const to = Math.floor(toMs / o.bucketMs)
  let best = Infinity
  let signed = 0
  for (let b = from; b <= to; b++) {
    const k = ((b % slots) + slots) % slots
    if (s.id[k] !== b) continue
    const lo = s.min[k]!
    const hi = s.max[k]!
    let d = x < lo ? x - lo : x > hi ? x - hi : 0
    // A day that repeats exactly still differs in the last bits of its float arithmetic;
    // distances at that level are no distance (else a tiny training span makes them huge).
    if (Math.abs(d) <= RESOLUTION * Math.max(Math.abs(x), Math.abs(lo), Math.abs(hi))) d = 0
    const a = Math.abs(d)
    if (a < best) {
      best = a
      signed = d
      if (a === 0) break
    }
  }
  return best === Infinity ? NaN : signed
}

export function envelopeAdd(s: SeasonalEnvelopeState, o: SeasonalEnvelopeOptions, t: number, x: number): void {
  const slots = s.id.length
  const b = Math.floor(t / o.bucketMs)
  const k = ((b % slots) + slots) % slots
  if (s.id[k] !== b) {
    s.id[k] = b
    s.min[k] = x
    s.max[k] = x
  } else {
    if (x < s.min[k]!) s.min[k] = x
    if (x > s.max[k]!) s.max[k] = x
  }
}
