import type { DetectorOptions } from '../src/detectors/anomaly/options.ts'

/**
 * Candidate engine configurations scored by scripts/anomaly-eval.ts. Every one is a single
 * configuration for every series (no labels, nothing per file); docs/anomaly.md records what
 * each scored.
 */
export interface Candidate {
  readonly about: string
  readonly options: Partial<DetectorOptions>
}

export const CANDIDATES: Record<string, Candidate> = {
  baseline: { about: 'the engine before issue 20 (61.8 on the public files)', options: {} },
}
