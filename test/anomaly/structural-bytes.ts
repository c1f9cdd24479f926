import type { DetectorState } from '../../src/detectors/anomaly/detector.ts'
import { forestBytes } from '../../src/detectors/anomaly/forest.ts'

/** Bytes of every typed array a detector holds for its series, plus 8 per scalar and 2 per string character. */
export function structuralBytes(s: DetectorState): number {
  let bytes = 0
  const walk = (v: unknown): void => {
    if (ArrayBuffer.isView(v)) bytes += v.buffer.byteLength
    else if (typeof v === 'number' || typeof v === 'boolean') bytes += 8
    else if (typeof v === 'string') bytes += 2 * v.length
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x)
  }
  walk({ ...s, forest: null })
  return bytes + (s.forest ? forestBytes(s.forest) : 0)
}
