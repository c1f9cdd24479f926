import { describe, expect, it } from 'vitest'
import { createDetector } from '../../src/detectors/anomaly/detector.ts'
import { modelOptions, type ModelName } from '../../src/detectors/anomaly/options.ts'
import { gaussian, T0 } from './synthetic.ts'

/**
 * How many alerts a day a user should expect on series with nothing wrong (README "What an
 * alert means" quotes these figures): pure noise, the worst case for an isolation forest (its
 * records are new extremes), and a daily cycle with 20% noise, sampled every 15 s (the agent's
 * --sampler.interval) and every 5 minutes, after the first two days.
 */
const DAY_MS = 86_400_000
const SEEDS = [1, 2, 3]

function alertsPerDay(model: ModelName, stepMs: number, days: number, value: (i: number, g: () => number) => number, seed: number): number {
  const g = gaussian(seed)
  const d = createDetector(modelOptions(model))
  const perDay = DAY_MS / stepMs
  const n = days * perDay
  let alerts = 0
  for (let i = 0; i < n; i++) {
    const o = d.observe(T0 + i * stepMs, value(i, g))
    if (i >= 2 * perDay && o.anomalous) alerts++
  }
  return alerts / (days - 2)
}

const noise = (_i: number, g: () => number): number => 100 + 5 * g()
const cycle =
  (stepMs: number) =>
  (i: number, g: () => number): number =>
    50 + 10 * Math.sin((2 * Math.PI * i * stepMs) / DAY_MS) + 2 * g()

const cases: [string, number, number, (i: number, g: () => number) => number, number][] = [
  // name, step, days, series, the most alerts a day allowed (README quotes the measured mean)
  ['iid noise, 15 s', 15_000, 5, noise, 14],
  ['daily cycle + 20% noise, 15 s', 15_000, 5, cycle(15_000), 10],
  ['iid noise, 5 min', 300_000, 30, noise, 1],
  ['daily cycle + 20% noise, 5 min', 300_000, 30, cycle(300_000), 0.5],
]

describe('alerts a day on normal data', () => {
  for (const model of ['default', 'compact'] as const) {
    for (const [name, step, days, f, most] of cases) {
      it(`${model}: ${name}: at most ${most} a day`, { timeout: 60_000 }, () => {
        const rates = SEEDS.map((seed) => alertsPerDay(model, step, days, f, seed))
        const mean = rates.reduce((a, b) => a + b, 0) / rates.length
        console.log(`alert rate ${model} ${name}: ${rates.map((r) => r.toFixed(2)).join(', ')} a day (mean ${mean.toFixed(2)})`)
        for (const r of rates) expect(r).toBeLessThanOrEqual(most)
      })
    }
  }
})
