import { describe, expect, it } from 'vitest'
import { createAnomalyManager } from '../../src/detectors/anomaly/manager.ts'
import { DEFAULT_OPTIONS } from '../../src/detectors/anomaly/options.ts'
import { DAY, dailySeries, timeOf } from './synthetic.ts'

function queue() {
  const tasks: (() => void)[] = []
  return {
    schedule: (t: () => void) => void tasks.push(t),
    runAll: () => {
      let n = 0
      while (tasks.length > 0) {
        tasks.shift()!()
        n++
      }
      return n
    },
    get pending() {
      return tasks.length
    },
  }
}

describe('anomaly manager', () => {
  const a = dailySeries(2 * DAY, 0.3, 1)
  const b = dailySeries(2 * DAY, 0.3, 2)

  it('never trains inside observe; the scheduled tasks train one series each', () => {
    const q = queue()
    const trainedLog: string[] = []
    const m = createAnomalyManager({ schedule: q.schedule, onTrained: (s, ok) => trainedLog.push(`${s}:${ok}`) })
    for (let i = 0; i < DEFAULT_OPTIONS.minTrain + 5; i++) {
      m.observe('a', timeOf(i), a[i]!)
      m.observe('b', timeOf(i), b[i]!)
    }
    expect(m.status().every((s) => !s.trained && s.mode === 'fallback')).toBe(true)
    expect(q.pending).toBe(1)
    expect(q.runAll()).toBe(2)
    expect(trainedLog).toEqual(['a:true', 'b:true'])
    const st = m.status()
    expect(st.map((s) => [s.series, s.trained, s.lastTrainAt])).toEqual([
      ['a', true, timeOf(DEFAULT_OPTIONS.minTrain + 4)],
      ['b', true, timeOf(DEFAULT_OPTIONS.minTrain + 4)],
    ])
    expect(m.observe('a', timeOf(200), a[200]!)!.mode).toBe('forest')
  })

  it('trainDue trains every due series at once', () => {
    const q = queue()
    const m = createAnomalyManager({ schedule: q.schedule })
    for (let i = 0; i < DEFAULT_OPTIONS.minTrain; i++) m.observe('a', timeOf(i), a[i]!)
    expect(m.trainDue()).toBe(1)
    expect(m.status()[0]!.trained).toBe(true)
    q.runAll()
  })

  it('caps the number of series and forgets dropped ones', () => {
    const m = createAnomalyManager({ schedule: () => {}, maxSeries: 2 })
    expect(m.observe('a', 0, 1)).toBeDefined()
    expect(m.observe('b', 0, 1)).toBeDefined()
    expect(m.observe('c', 0, 1)).toBeUndefined()
    m.drop('a')
    expect(m.observe('c', 0, 1)).toBeDefined()
    expect(m.status().map((s) => s.series)).toEqual(['b', 'c'])
  })

  it('encodes and restores every series; a foreign payload restores nothing', () => {
    const q = queue()
    const m = createAnomalyManager({ schedule: q.schedule })
    for (let i = 0; i < DAY; i++) {
      m.observe('a', timeOf(i), a[i]!)
      m.observe('b', timeOf(i), b[i]!)
      q.runAll()
    }
    const copy = createAnomalyManager({ schedule: q.schedule })
    expect(copy.restore(JSON.parse(JSON.stringify(m.encode())))).toEqual({ restored: 2, rejected: 0 })
    for (let i = DAY; i < 2 * DAY; i++) {
      expect(copy.observe('a', timeOf(i), a[i]!)).toEqual(m.observe('a', timeOf(i), a[i]!))
      q.runAll()
    }
    expect(createAnomalyManager({ schedule: q.schedule }).restore({ kind: 'other' })).toEqual({ restored: 0, rejected: 0 })
    expect(createAnomalyManager({ schedule: q.schedule }).restore({ kind: 'odin-anomaly-manager', series: { x: 1 } })).toEqual({
      restored: 0,
      rejected: 1,
    })
  })
})
