import type { Logger } from '../log/logger.ts'
import type { FamilyDecl } from '../metrics/declared.ts'
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

const SUCCESS_DECL = { name: 'odin_detector_success', type: 'gauge', help: 'odin-agent: Whether a detector succeeded.' } as const satisfies FamilyDecl
const DURATION_DECL = { name: 'odin_detector_duration_seconds', type: 'gauge', help: 'odin-agent: Duration of a detector run.' } as const satisfies FamilyDecl
/** What detectorFamilies emits: every detector's health, declared once for the agent. */
export const DETECTOR_HEALTH_FAMILIES: readonly FamilyDecl[] = [DURATION_DECL, SUCCESS_DECL]

/** odin_detector_duration_seconds and odin_detector_success, one sample per detector. */
export function detectorFamilies(outcomes: readonly Pick<DetectorOutcome, 'detector' | 'success' | 'durationSeconds'>[]): MetricFamily[] {
  const f = new Families()
  for (const o of outcomes) f.put(DURATION_DECL, o.durationSeconds, { detector: o.detector })
  for (const o of outcomes) f.put(SUCCESS_DECL, o.success ? 1 : 0, { detector: o.detector })
  return f.list()
}
