import { describe, expect, it } from 'vitest'
import { recordingLog } from '../../test/anomaly/recording-log.ts'
import { Families } from '../metrics/families.ts'
import { renderExposition } from '../metrics/exposition.ts'
import { detectorFamilies, runDetector } from './run-detector.ts'
import { snapshotView, type Detector } from './types.ts'

const families = () => {
  const f = new Families()
  f.gauge('node_load1', 'load', 2)
  return f.list()
}

describe('runDetector', () => {
  it('returns what the detector found from the view, timed, and success', () => {
    const d: Detector = { name: 'load', detect: (v) => (v.family('node_load1') ? families() : []) }
    const o = runDetector(d, snapshotView(1000, families()), recordingLog().log, () => 2000)
    expect(o).toMatchObject({ detector: 'load', success: true, finishedAt: 2000 })
    expect(o.families.map((f) => f.name)).toEqual(['node_load1'])
    expect(o.durationSeconds).toBeGreaterThanOrEqual(0)
  })

  it('turns a throw into success 0 and no families for that detector alone, logged', () => {
    const rec = recordingLog()
    const o = runDetector(
      {
        name: 'boom',
        detect: () => {
          throw new Error('bad model')
        },
      },
      snapshotView(0, []),
      rec.log,
    )
    expect(o).toMatchObject({ detector: 'boom', success: false, error: 'bad model', families: [] })
    expect(rec.lines.join('\n')).toContain('bad model')
  })

  it("emits odin_detector_duration_seconds and odin_detector_success per detector, in node_exporter's style", () => {
    const text = renderExposition(
      detectorFamilies([
        { detector: 'anomaly', success: true, durationSeconds: 0.002 },
        { detector: 'threats', success: false, durationSeconds: 0.5 },
      ]),
    )
    expect(text).toContain('# HELP odin_detector_duration_seconds odin-agent: Duration of a detector run.\n# TYPE odin_detector_duration_seconds gauge\n')
    expect(text).toContain('# HELP odin_detector_success odin-agent: Whether a detector succeeded.\n# TYPE odin_detector_success gauge\n')
    expect(text).toContain('odin_detector_success{detector="anomaly"} 1\nodin_detector_success{detector="threats"} 0\n')
  })
})

describe('snapshotView', () => {
  it('looks families up by name; the first of a name wins, an absent one is undefined', () => {
    const a = { name: 'x', help: '', type: 'gauge' as const, samples: [{ labels: {}, value: 1 }] }
    const b = { ...a, samples: [{ labels: {}, value: 2 }] }
    const v = snapshotView(5, [a, b])
    expect(v.at).toBe(5)
    expect(v.family('x')).toBe(a)
    expect(v.family('y')).toBeUndefined()
  })
})
