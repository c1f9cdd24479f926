import { describe, expect, it } from 'vitest'
import { createDetector, type SeriesDetector } from '../../src/detectors/anomaly/detector.ts'
import { trainForest } from '../../src/detectors/anomaly/forest.ts'
import { ANOMALY_THRESHOLD, DEFAULT_OPTIONS } from '../../src/detectors/anomaly/options.ts'
import { DAY, dailySeries, gaussian, timeOf } from './synthetic.ts'

/** Feeds xs; returns every observation. */
function run(xs: readonly number[], d: SeriesDetector = createDetector()) {
  return xs.map((x, i) => d.observe(timeOf(i), x))
}

/** Index (relative to `at`) of the first anomalous point at or after `at`; -1 if none. */
function firstAlert(obs: ReturnType<typeof run>, at: number): number {
  const k = obs.slice(at).findIndex((o) => o.anomalous)
  return k
}

const WARM = 2 * DAY // two full cycles seen before scores are held to "normal"
const AT = 8 * DAY + 100 // injected after eight days the model trained on
const SEEDS = [1, 2, 3]

describe('detection of changes the model did not train on', () => {
  for (const seed of SEEDS) {
    const base = () => dailySeries(10 * DAY, 0.3, seed)

    it(`flags a spike and a dip at once (seed ${seed})`, () => {
      for (const delta of [15, -15]) {
        const xs = base()
        xs[AT] = xs[AT]! + delta
        const obs = run(xs)
        expect(obs.slice(WARM, AT).filter((o) => o.anomalous)).toHaveLength(0)
        expect(obs[AT]!.anomalous).toBe(true)
        expect(obs[AT]!.mode).toBe('forest')
      }
    })

    it(`flags a level shift at its first point (seed ${seed})`, () => {
      const xs = base()
      for (let i = AT; i < xs.length; i++) xs[i] = xs[i]! + 8
      expect(firstAlert(run(xs), AT)).toBe(0)
    })

    it(`flags a slow drift once it leaves the daily envelope (seed ${seed})`, () => {
      const xs = base()
      // 0.02 per 5 minutes: the noise's own size after 15 points, 6 units after a day.
      for (let i = AT; i < xs.length; i++) xs[i] = xs[i]! + 0.02 * (i - AT)
      const obs = run(xs)
      const k = firstAlert(obs, AT)
      expect(k).toBeGreaterThan(10)
      expect(k).toBeLessThan(DAY / 2)
    })

    it(`flags a stuck sensor that stops following the cycle (seed ${seed})`, () => {
      const xs = base()
      for (let i = AT; i < AT + 60; i++) xs[i] = xs[AT]!
      const k = firstAlert(run(xs), AT)
      expect(k).toBeGreaterThan(0)
      expect(k).toBeLessThan(60)
    })
  }
})

describe('silence on normal data', () => {
  const n = 30 * DAY
  const clean: Record<string, (i: number) => number> = {
    sine: (i) => 50 + 10 * Math.sin((2 * Math.PI * i) / DAY),
    square: (i) => (Math.floor(i / (DAY / 2)) % 2 ? 80 : 20),
    sawtooth: (i) => (i % DAY) / 10,
    'sine with 1% noise': (
      (g) => (i: number) =>
        50 + 10 * Math.sin((2 * Math.PI * i) / DAY) + 0.1 * g()
    )(gaussian(9)),
    constant: () => 42,
  }
  for (const [name, f] of Object.entries(clean)) {
    it(`keeps a ${name} series below the threshold for 30 days`, () => {
      const obs = run(Array.from({ length: n }, (_, i) => f(i)))
      const after = obs.slice(WARM)
      expect(Math.max(...after.map((o) => o.score))).toBeLessThan(ANOMALY_THRESHOLD)
    })
  }

  it('alerts on at most 0.2% of iid Gaussian noise (its 4-sigma records)', () => {
    for (const seed of SEEDS) {
      const g = gaussian(seed)
      const obs = run(Array.from({ length: 20_000 }, () => 100 + 5 * g()))
      const alerts = obs.slice(WARM).filter((o) => o.anomalous).length
      expect(alerts / (obs.length - WARM)).toBeLessThan(0.002)
    }
  })

  it('alerts on at most 0.1% of a noisy daily cycle', () => {
    for (const seed of SEEDS) {
      const obs = run(dailySeries(30 * DAY, 2, seed))
      const alerts = obs.slice(WARM).filter((o) => o.anomalous).length
      expect(alerts / (obs.length - WARM)).toBeLessThan(0.001)
    }
  })
})

describe('weekly patterns (the seasonal feature also looks a week back)', () => {
  // Weekdays cycle around 50, weekends around 20; 2024-01-01 (T0) is a Monday.
  const HOLIDAY = 30 // a Wednesday in the fifth week
  const weekSeries = (seed: number, holiday: boolean): number[] => {
    const g = gaussian(seed)
    return Array.from({ length: 6 * 7 * DAY }, (_, i) => {
      const day = Math.floor(i / DAY)
      const weekend = day % 7 >= 5 || (holiday && day === HOLIDAY)
      const phase = Math.sin((2 * Math.PI * i) / DAY)
      return (weekend ? 20 + 3 * phase : 50 + 10 * phase) + g()
    })
  }
  for (const seed of SEEDS) {
    it(`flags a weekday that looks like a weekend at its first point (seed ${seed})`, () => {
      const obs = run(weekSeries(seed, true))
      expect(firstAlert(obs, HOLIDAY * DAY)).toBe(0)
      // Against yesterday alone the same day is ordinary: every Saturday and Monday differ as much.
      const daily = run(weekSeries(seed, true), createDetector({ features: ['value', 'seasonal'] }))
      expect(Math.max(...daily.slice(HOLIDAY * DAY, (HOLIDAY + 1) * DAY).map((o) => o.score))).toBeLessThan(ANOMALY_THRESHOLD)
    })

    it(`alerts on at most 0.1% of the same weeks without the holiday (seed ${seed})`, () => {
      const obs = run(weekSeries(seed, false)).slice(14 * DAY)
      expect(obs.filter((o) => o.anomalous).length / obs.length).toBeLessThan(0.001)
    })
  }
})

describe('fallback', () => {
  it('scores with the statistical fallback while cold and catches a spike there', () => {
    const xs = dailySeries(DEFAULT_OPTIONS.minTrain, 0.3, 4)
    xs[100] = xs[100]! + 40
    const obs = run(xs)
    expect(obs.every((o) => o.mode === 'fallback')).toBe(true)
    expect(obs[100]!.anomalous).toBe(true)
    expect(obs.slice(20, 100).some((o) => o.anomalous)).toBe(false)
  })

  it('switches to the forest once trained', () => {
    const obs = run(dailySeries(DEFAULT_OPTIONS.minTrain + 1, 0.3, 4))
    expect(obs.at(-2)!.mode).toBe('fallback')
    expect(obs.at(-1)!.mode).toBe('forest')
  })

  it('keeps scoring with the fallback when training fails, and retries on schedule', () => {
    let calls = 0
    const d = createDetector({}, undefined, {
      trainForest: () => {
        calls++
        throw new Error('no memory')
      },
    })
    const xs = dailySeries(3 * DAY, 0.3, 5)
    xs[700] = xs[700]! + 60
    const obs = run(xs, d)
    expect(obs.every((o) => o.mode === 'fallback')).toBe(true)
    expect(obs[700]!.anomalous).toBe(true)
    expect(d.state.lastTrainError).toBe('no memory')
    // First attempt at minTrain rows, then once per retrainEvery.
    const expected = 1 + Math.floor((xs.length - DEFAULT_OPTIONS.minTrain) / DEFAULT_OPTIONS.retrainEvery)
    expect(calls).toBe(expected)
  })
})

describe("a retrain that fails after reusing the old forest's arrays", () => {
  it('drops the old forest (its arrays hold other trees now) and scores with the fallback', () => {
    let calls = 0
    const d = createDetector({}, undefined, {
      trainForest: (...args: Parameters<typeof trainForest>) => {
        calls++
        const forest = trainForest(...args)
        if (calls > 1) {
          throw new Error('failed after writing the new trees')
        }
        return forest
      },
    })
    const xs = dailySeries(DEFAULT_OPTIONS.minTrain + DEFAULT_OPTIONS.retrainEvery + 1, 0.3, 6)
    const obs = run(xs, d)
    expect(obs[DEFAULT_OPTIONS.minTrain]!.mode).toBe('forest')
    expect(calls).toBe(2)
    expect(d.state.forest).toBeNull()
    expect(obs.at(-1)!.mode).toBe('fallback')
  })
})

describe('causality and determinism', () => {
  const xs = dailySeries(6 * DAY, 1, 11)
  xs[5 * DAY] = xs[5 * DAY]! + 20

  it('gives the rows of a prefix the same scores as a full run', () => {
    const full = run(xs).map((o) => o.score)
    for (const k of [1, 149, 150, 151, 450, 1000, 5 * DAY + 1]) {
      const prefix = run(xs.slice(0, k)).map((o) => o.score)
      expect(prefix).toEqual(full.slice(0, k))
    }
  })

  it('scores the same input the same way twice', () => {
    expect(run(xs)).toEqual(run(xs))
  })

  it('ignores non-finite values without changing state', () => {
    const d = createDetector()
    const a = run(xs.slice(0, 500), d)
    const before = d.state.rowCount
    const o = d.observe(timeOf(500), Number.NaN)
    expect(o).toEqual(a.at(-1))
    expect(d.state.rowCount).toBe(before)
  })

  it('keeps every score in [0, 1]', () => {
    const wild = [...xs, 1e300, -1e300, 0, 1e-300, Number.MAX_VALUE, -Number.MAX_VALUE]
    for (const o of run(wild)) {
      expect(o.score).toBeGreaterThanOrEqual(0)
      expect(o.score).toBeLessThanOrEqual(1)
    }
  })
})

describe('alert cooldown', () => {
  it('alerts once for a burst, and again when the event escalates', () => {
    const xs = dailySeries(10 * DAY, 0.3, 2)
    for (let k = 0; k < 5; k++) xs[AT + 10 * k] = xs[AT + 10 * k]! + 12
    const obs = run(xs)
    const alerts = obs.slice(AT, AT + 50).filter((o) => o.anomalous).length
    expect(alerts).toBe(1)
    const ys = dailySeries(10 * DAY, 0.3, 2)
    ys[AT] = ys[AT]! + 5
    ys[AT + 20] = ys[AT + 20]! + 200
    const obs2 = run(ys)
    expect(obs2[AT]!.anomalous).toBe(true)
    expect(obs2[AT + 20]!.anomalous).toBe(true)
  })
})
