import { describe, expect, it } from 'vitest'
import type { MetricFamily } from '../metrics/types.ts'
import { HISTORY_BUCKET_MS, HISTORY_BUCKETS, HISTORY_MAX_SERIES, ScoreHistory } from './score-history.ts'

function scores(entries: [string, string, number, 0 | 1][]): MetricFamily[] {
  return [
    { name: 'odin_anomaly_score', help: '', type: 'gauge', samples: entries.map(([detector, series, value]) => ({ labels: { detector, series }, value })) },
    { name: 'odin_anomaly', help: '', type: 'gauge', samples: entries.map(([detector, series, , flag]) => ({ labels: { detector, series }, value: flag })) },
  ]
}

const T0 = 1_700_000_000_000 - (1_700_000_000_000 % HISTORY_BUCKET_MS)

describe('ScoreHistory', () => {
  it('keeps the highest score of each 15 s bucket, oldest first, null where none was taken', () => {
    const h = new ScoreHistory()
    h.record(T0, scores([['host', 'load1', 0.2, 0]]))
    h.record(T0 + 5_000, scores([['host', 'load1', 0.6, 0]]))
    h.record(T0 + 30_000, scores([['host', 'load1', 0.1, 0]]))
    const [s] = h.series(T0 + 30_000)
    expect(s?.scores).toHaveLength(HISTORY_BUCKETS)
    expect(s?.scores.slice(-3)).toEqual([0.6, null, 0.1])
    expect(s?.scores.slice(0, -3).every((v) => v === null)).toBe(true)
  })

  it('marks an alert where odin_anomaly rises, not for as long as it is held', () => {
    const h = new ScoreHistory()
    const flags: (0 | 1)[] = [0, 1, 1, 1, 0, 1]
    flags.forEach((f, i) => h.record(T0 + i * HISTORY_BUCKET_MS, scores([['gpu', 'gpu0_temp', 0.9, f]])))
    expect(h.series(T0 + 5 * HISTORY_BUCKET_MS)[0]?.alerts).toEqual([HISTORY_BUCKETS - 5, HISTORY_BUCKETS - 1])
  })

  it('an hour later the old buckets are gone; a series unseen for an hour is dropped', () => {
    const h = new ScoreHistory()
    h.record(
      T0,
      scores([
        ['host', 'load1', 0.5, 1],
        ['host', 'gone', 0.5, 0],
      ]),
    )
    h.record(T0 + HISTORY_BUCKETS * HISTORY_BUCKET_MS, scores([['host', 'load1', 0.3, 0]]))
    const all = h.series(T0 + HISTORY_BUCKETS * HISTORY_BUCKET_MS)
    expect(all.map((s) => s.series)).toEqual(['load1'])
    expect(all[0]?.scores.filter((v) => v !== null)).toEqual([0.3])
    expect(all[0]?.alerts).toEqual([])
  })

  it(`holds at most ${HISTORY_MAX_SERIES} series in a few hundred KB, however many are offered`, () => {
    const h = new ScoreHistory()
    const many = Array.from({ length: 500 }, (_, i) => ['gpu', `gpu${i}_power`, 0.5, 0] as [string, string, number, 0])
    for (let t = 0; t < 2 * HISTORY_BUCKETS; t++) h.record(T0 + t * HISTORY_BUCKET_MS, scores(many))
    expect(h.size).toBe(HISTORY_MAX_SERIES)
    // 240 buckets x (4 + 4 + 1) bytes x 48 series = 103,680 bytes of typed arrays.
    expect(h.bytes).toBe(HISTORY_MAX_SERIES * HISTORY_BUCKETS * 9)
    expect(h.bytes).toBeLessThan(300 * 1024)
  })

  it('ignores NaN and families without the labels', () => {
    const h = new ScoreHistory()
    h.record(T0, [{ name: 'odin_anomaly_score', help: '', type: 'gauge', samples: [{ labels: {}, value: Number.NaN }] }])
    expect(h.series(T0)[0]?.scores.every((v) => v === null)).toBe(true)
  })
})
