import { gaussian } from './synthetic.ts'
import { createRng } from '../../src/detectors/anomaly/rng.ts'

/**
 * A labelled synthetic suite for developing the anomaly engine on data it was not tuned on:
 * one anomaly kind per series (or none), at several noise levels and sampling rates, each
 * series a daily cycle plus a slower weekly wobble and seeded Gaussian noise. 'daily_job' is
 * normal apart from a one-point burst at about the same time every day (09:15 +- 10 min, its
 * height varying by +-15% from day to day): a nightly job, not an anomaly; 'daily_job_spike'
 * adds a real spike at another time of day. Every series
 * has one labelled window (NAB's convention: centred on the anomaly's first point, 10% of the
 * series wide), except the normal ones, which have none and count false positives only.
 */
export type AnomalyKind = 'spike' | 'dip' | 'level_shift' | 'drift' | 'variance' | 'seasonality' | 'stuck' | 'normal' | 'daily_job' | 'daily_job_spike'

export const ANOMALY_KINDS: readonly AnomalyKind[] = ['spike', 'dip', 'level_shift', 'drift', 'variance', 'seasonality', 'stuck', 'normal', 'daily_job', 'daily_job_spike']
/** Noise as a fraction of the daily amplitude. */
export const NOISE_LEVELS: readonly number[] = [0.02, 0.1, 0.3]
/** Sampling steps in minutes. */
export const STEPS_MIN: readonly number[] = [1, 5, 15]

export interface SyntheticSeries {
  readonly name: string
  readonly kind: AnomalyKind
  readonly t: Float64Array
  readonly values: Float64Array
  /** Row index [left, right] of the labelled windows (none for 'normal'). */
  readonly windows: readonly (readonly [number, number])[]
}

const T0 = Date.UTC(2024, 0, 1)

/** One series of `n` rows; the anomaly starts at 70% of it. Seeded and deterministic. */
export function syntheticSeries(kind: AnomalyKind, noise: number, stepMin: number, seed: number, n = 4000): SyntheticSeries {
  const g = gaussian(seed)
  const rng = createRng(seed * 7919 + 13)
  const perDay = (24 * 60) / stepMin
  const amp = 10
  const sd = noise * amp
  const onset = Math.floor(0.7 * n)
  const phase = rng.next() * 2 * Math.PI
  const t = new Float64Array(n)
  const values = new Float64Array(n)
  let stuckAt = 0
  const jobAt = Math.round((9.25 * 60) / stepMin)
  const jitter = Math.max(1, Math.round(10 / stepMin))
  let jobToday = -1
  for (let i = 0; i < n; i++) {
    t[i] = T0 + i * stepMin * 60_000
    const day = (2 * Math.PI * i) / perDay + phase
    let base = 50 + amp * Math.sin(day) + 2 * Math.sin(day / 7)
    let e = sd * g()
    const after = i >= onset
    if (kind === 'daily_job' || kind === 'daily_job_spike') {
      const inDay = i % perDay
      if (inDay === 0) jobToday = jobAt + Math.floor(rng.next() * (2 * jitter + 1)) - jitter
      if (inDay === jobToday) e += 4 * amp * (0.85 + 0.3 * rng.next())
    }
    const k = i - onset
    switch (kind) {
      case 'spike':
        if (i === onset) e += 6 * amp * (0.5 + noise)
        break
      case 'dip':
        if (i === onset) e -= 6 * amp * (0.5 + noise)
        break
      case 'level_shift':
        if (after) base += 2 * amp * (0.5 + noise)
        break
      case 'drift':
        // Reaches one daily amplitude (plus noise) above the cycle over a day.
        if (after) base += Math.min(1, k / perDay) * amp * (1 + 3 * noise)
        break
      case 'variance':
        if (after) e *= 6
        if (after && noise < 0.05) e += 0.3 * amp * g()
        break
      case 'seasonality':
        // The cycle turns upside down: same range, wrong time of day.
        if (after) base = 50 - amp * Math.sin(day) + 2 * Math.sin(day / 7)
        break
      case 'stuck':
        if (i === onset) stuckAt = base + e
        if (after) {
          values[i] = stuckAt
          continue
        }
        break
      case 'daily_job_spike':
        // At 70% of the series: 22:40, 17:20 or 04:00 at 1, 5 or 15 min, hours from the job.
        if (i === onset) e += 6 * amp * (0.5 + noise)
        break
      case 'normal':
      case 'daily_job':
        break
    }
    values[i] = base + e
  }
  const width = Math.floor(0.1 * n)
  const windows: [number, number][] = kind === 'normal' || kind === 'daily_job' ? [] : [[Math.max(0, onset - (width >> 1)), Math.min(n - 1, onset + (width >> 1))]]
  return { name: `${kind}_noise${noise}_step${stepMin}m_s${seed}`, kind, t, values, windows }
}

/** Every kind at every noise level and sampling rate: 10 x 3 x 3 = 90 series. */
export function syntheticSuite(seed = 1, n = 4000): SyntheticSeries[] {
  const out: SyntheticSeries[] = []
  let s = seed * 1000
  for (const kind of ANOMALY_KINDS) {
    for (const noise of NOISE_LEVELS) {
      for (const step of STEPS_MIN) out.push(syntheticSeries(kind, noise, step, ++s, n))
    }
  }
  return out
}
