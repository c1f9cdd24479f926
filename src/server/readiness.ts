import type { Snapshot } from '../sampler/snapshot.ts'

export interface Readiness {
  readonly ok: boolean
  readonly reason: string
}

/**
 * Ready once the first sample completed, and again not ready while the latest one is
 * older than `staleAfterMs` (three sampling intervals, and at least one interval plus
 * the collector deadline, so that one slow but live tick is not called stale).
 */
export function readiness(snap: Snapshot | undefined, now: number, staleAfterMs: number): Readiness {
  if (!snap) {
    return { ok: false, reason: 'the first sample has not completed yet' }
  }
  const age = now - snap.at
  if (age > staleAfterMs) {
    return { ok: false, reason: `the latest sample is ${(age / 1000).toFixed(1)} s old (limit ${(staleAfterMs / 1000).toFixed(1)} s): sampling has stalled` }
  }
  return { ok: true, reason: 'ready' }
}

export function staleAfterMs(samplerIntervalMs: number, collectorTimeoutMs: number): number {
  return Math.max(3 * samplerIntervalMs, samplerIntervalMs + collectorTimeoutMs)
}
