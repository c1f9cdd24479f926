import { describe, expect, it } from 'vitest'
import { createDetector } from '../../src/detectors/anomaly/detector.ts'
import { createAlertMemory, isRecurring, rememberAlert } from '../../src/detectors/anomaly/recurrence.ts'
import { resolveOptions } from '../../src/detectors/anomaly/options.ts'
import { decodeState, encodeState } from '../../src/detectors/anomaly/state-codec.ts'
import { DAY, dailySeries, timeOf } from './synthetic.ts'

const HOUR = 3_600_000
const D = 24 * HOUR
const R = { periodMs: D, toleranceMs: HOUR, periods: 2 }

describe('isRecurring', () => {
  const t = 10 * D + 3 * HOUR
  const cases: [string, [number, number][], number, boolean][] = [
    ['nothing remembered', [], 0.8, false],
    ['an alert a day earlier only', [[t - D, 0.8]], 0.8, false],
    [
      'alerts one and two days earlier',
      [
        [t - 2 * D, 0.8],
        [t - D, 0.8],
      ],
      0.8,
      true,
    ],
    [
      'within the tolerance either side',
      [
        [t - 2 * D + HOUR, 0.8],
        [t - D - HOUR, 0.8],
      ],
      0.8,
      true,
    ],
    [
      'just outside the tolerance',
      [
        [t - 2 * D, 0.8],
        [t - D - HOUR - 1, 0.8],
      ],
      0.8,
      false,
    ],
    [
      'an escalation over the remembered scores',
      [
        [t - 2 * D, 0.8],
        [t - D, 0.8],
      ],
      0.91,
      false,
    ],
    [
      'at the escalation margin',
      [
        [t - 2 * D, 0.8],
        [t - D, 0.8],
      ],
      0.9,
      true,
    ],
    [
      'one matching day escalated over, another not',
      [
        [t - 2 * D, 0.8],
        [t - D, 0.5],
      ],
      0.8,
      false,
    ],
    [
      'two days apart but not one',
      [
        [t - 2 * D, 0.8],
        [t - D + 3 * HOUR, 0.8],
      ],
      0.8,
      false,
    ],
  ]
  for (const [name, remembered, score, want] of cases) {
    it(`${want ? 'holds' : 'raises'}: ${name}`, () => {
      const m = createAlertMemory(8)
      for (const [at, s] of remembered) rememberAlert(m, at, s)
      expect(isRecurring(m, R, 0.5, t, score)).toBe(want)
    })
  }

  it('forgets the oldest alert when the ring is full', () => {
    const m = createAlertMemory(2)
    rememberAlert(m, t - 2 * D, 0.8)
    rememberAlert(m, t - D, 0.8)
    expect(isRecurring(m, R, 0.5, t, 0.8)).toBe(true)
    rememberAlert(m, t - HOUR * 5, 0.8)
    expect(isRecurring(m, R, 0.5, t, 0.8)).toBe(false)
  })
})

describe('recurring alerts in the detector', () => {
  // Eight days of a daily cycle, then a nightly job: one point at 03:00 every day, 3x the cycle.
  const job = (i: number): boolean => i >= 8 * DAY && i % DAY === 36
  const xs = dailySeries(14 * DAY, 0.5, 4).map((x, i) => (job(i) ? x + 30 : x))
  const alertsAt = (values: number[], options = {}): number[] => {
    const d = createDetector(options)
    return values.flatMap((x, i) => (d.observe(timeOf(i), x).anomalous ? [i] : []))
  }

  it('raises a nightly job on its first days, then holds it back as a recurring pattern', () => {
    const jobs = alertsAt(xs).filter(job)
    const days = jobs.map((i) => Math.floor(i / DAY))
    expect(days.length).toBeGreaterThanOrEqual(1)
    expect(days.length).toBeLessThanOrEqual(2)
    expect(Math.max(...days)).toBeLessThanOrEqual(9)
  })

  it('without the hold the forest flags the job again and again', () => {
    expect(alertsAt(xs, { recurrence: null }).filter(job).length).toBeGreaterThan(2)
  })

  it('still raises a spike at another hour, and a far bigger one at the job hour', () => {
    const ys = [...xs]
    ys[12 * DAY + 150] = ys[12 * DAY + 150]! + 30
    ys[13 * DAY + 36] = ys[13 * DAY + 36]! + 300
    const alerts = alertsAt(ys)
    expect(alerts).toContain(12 * DAY + 150)
    expect(alerts).toContain(13 * DAY + 36)
  })
})

describe('alert memory persistence', () => {
  const xs = dailySeries(10 * DAY, 0.5, 6).map((x, i) => (i % DAY === 36 && i > 4 * DAY ? x + 30 : x))

  it('round-trips the remembered alerts, so a restored detector holds the same jobs back', () => {
    const a = createDetector()
    for (let i = 0; i < 8 * DAY; i++) a.observe(timeOf(i), xs[i]!)
    expect(a.state.alerts.count).toBeGreaterThan(0)
    const b = createDetector({}, decodeState(JSON.parse(JSON.stringify(encodeState(a.state, a.options))), a.options)!)
    expect(b.state.alerts.times).toEqual(a.state.alerts.times)
    for (let i = 8 * DAY; i < xs.length; i++) expect(b.observe(timeOf(i), xs[i]!)).toEqual(a.observe(timeOf(i), xs[i]!))
  })

  it('refuses a state with a malformed memory, or saved under other recurrence options', () => {
    const a = createDetector()
    for (let i = 0; i < 2 * DAY; i++) a.observe(timeOf(i), xs[i]!)
    const enc = JSON.parse(JSON.stringify(encodeState(a.state, a.options))) as Record<string, unknown>
    expect(decodeState(enc, a.options)).not.toBeNull()
    expect(decodeState({ ...enc, alerts: { times: 'AAAA', scores: 'AAAA', count: 1 } }, a.options)).toBeNull()
    expect(decodeState({ ...enc, alerts: undefined }, a.options)).toBeNull()
    expect(decodeState(enc, resolveOptions({ recurrence: null }))).toBeNull()
    expect(decodeState(enc, resolveOptions({ recurrence: { periodMs: D, toleranceMs: HOUR, periods: 3 } }))).toBeNull()
  })

  it('rejects recurrence options it cannot use', () => {
    expect(() => resolveOptions({ recurrence: { periodMs: D, toleranceMs: D, periods: 2 } })).toThrow(RangeError)
    expect(() => resolveOptions({ recurrence: { periodMs: D, toleranceMs: HOUR, periods: 0 } })).toThrow(RangeError)
  })
})
