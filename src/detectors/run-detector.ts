import type { Logger } from '../log/logger.ts'
import { Families } from '../metrics/families.ts'
import type { MetricFamily } from '../metrics/types.ts'
import type { Detector, SnapshotView } from './types.ts'

export interface DetectorOutcome {
  readonly detector: string
  readonly success: boolean
  readonly durationSeconds: number
  readonly families: readonly MetricFamily[]
  readonly error?: string
  /** Milliseconds since the epoch when this run finished. */
  readonly finishedAt: number
}

/**
 * Runs one detector on one tick's view, as runCollector runs a collector: timed, and any
 * failure turned into success 0 and no families for this detector alone.
 */
export function runDetector(detector: Detector, view: SnapshotView, log: Logger, now: () => number = Date.now): DetectorOutcome {
  const started = performance.now()
  try {
    const families = detector.detect(view)
    return { detector: detector.name, success: true, durationSeconds: (performance.now() - started) / 1000, families, finishedAt: now() }
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err)
    log.error('detector failed', { detector: detector.name, err: error })
    return { detector: detector.name, success: false, durationSeconds: (performance.now() - started) / 1000, families: [], error, finishedAt: now() }
  }
}

export const DETECTOR_SUCCESS_HELP = 'odin-agent: Whether a detector succeeded.'
export const DETECTOR_DURATION_HELP = 'odin-agent: Duration of a detector run.'

/** odin_detector_duration_seconds and odin_detector_success, one sample per detector. */
export function detectorFamilies(outcomes: readonly Pick<DetectorOutcome, 'detector' | 'success' | 'durationSeconds'>[]): MetricFamily[] {
  const f = new Families()
  for (const o of outcomes) f.gauge('odin_detector_duration_seconds', DETECTOR_DURATION_HELP, o.durationSeconds, { detector: o.detector })
  for (const o of outcomes) f.gauge('odin_detector_success', DETECTOR_SUCCESS_HELP, o.success ? 1 : 0, { detector: o.detector })
  return f.list()
}
