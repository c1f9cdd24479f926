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
 * was seen there yet (the first period, or a gap).
 */
export function envelopeResidual(
  s: SeasonalEnvelopeState,
  o: SeasonalEnvelopeOptions,
  t: number,
  x: number,
): number {
  const slots = s.id.length
  const from = Math.floor((t - o.periodMs - o.toleranceMs) / o.bucketMs)
  const to = Math.floor((t - o.periodMs + o.toleranceMs) / o.bucketMs)
  let best = Infinity
  let signed = 0
  for (let b = from; b <= to; b++) {
    const k = ((b % slots) + slots) % slots
    if (s.id[k] !== b) continue
    const lo = s.min[k]!
    const hi = s.max[k]!
    const d = x < lo ? x - lo : x > hi ? x - hi : 0
    const a = Math.abs(d)
    if (a < best) {
      best = a
      signed = d
      if (a === 0) break
    }
  }
  return signed
}

export function envelopeAdd(
  s: SeasonalEnvelopeState,
  o: SeasonalEnvelopeOptions,
  t: number,
  x: number,
): void {
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
