import { createDetector, type SeriesDetector } from './detector.ts'
import { loadModel, saveModel } from './model-file.ts'
import type { DetectorOptions } from './options.ts'
import { decodeState, encodeState } from './state-codec.ts'

const KIND = 'odin-anomaly-detector'

/** Saves one detector (model, calibration and streaming state) atomically to `path`. */
export function saveDetector(path: string, detector: SeriesDetector): void {
  saveModel(path, { kind: KIND, state: encodeState(detector.state, detector.options) })
}

export interface LoadedDetector {
  readonly detector: SeriesDetector
  /** False when the file was missing, corrupt, foreign or did not fit: a cold detector. */
  readonly restored: boolean
  readonly reason?: string
}

/** Loads a detector saved by saveDetector; anything unusable gives a cold one, never a throw. */
export function loadDetector(path: string, options: Partial<DetectorOptions> = {}): LoadedDetector {
  const cold = (reason: string): LoadedDetector => ({ detector: createDetector(options), restored: false, reason })
  const file = loadModel(path)
  if (!file.ok) return cold(file.reason)
  const p = file.payload as { kind?: unknown; state?: unknown } | null
  if (!p || p.kind !== KIND) return cold('not a detector model')
  const detector = createDetector(options)
  const state = decodeState(p.state, detector.options)
  if (!state) return cold('model does not fit these options')
  return { detector: createDetector(options, state), restored: true }
}
