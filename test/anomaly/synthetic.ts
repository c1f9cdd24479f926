import { createRng } from '../../src/detectors/anomaly/rng.ts'

/** Synthetic series for the anomaly tests: 5-minute samples, 288 a day, seeded noise. */
export const STEP_MS = 300_000
export const DAY = 288
export const T0 = Date.UTC(2024, 0, 1)

export function gaussian(seed: number): () => number {
  const rng = createRng(seed)
  return () => {
    let u = 0
    while (u === 0) u = rng.next()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next())
  }
}

/** A daily cycle: 50 + 10 sin(2 pi i / day) + noise * N(0, 1). */
export function dailySeries(n: number, noise: number, seed = 1): number[] {
  const g = gaussian(seed)
  return Array.from({ length: n }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / DAY) + noise * g())
}

export const timeOf = (i: number): number => T0 + i * STEP_MS
