import type { AgentConfig } from '../config/config.ts'
import type { FlagSpec } from '../config/flag-spec.ts'
import type { Logger } from '../log/logger.ts'
import type { MetricFamily } from '../metrics/types.ts'
import type { FamilyDecl } from '../metrics/declared.ts'

/**
 * What a detector sees of one tick: the time it started and the families the collectors
 * produced, looked up through an index built once per tick. Read-only: a detector never
 * changes what it is shown, it returns families of its own.
 */
export interface SnapshotView {
  /** Milliseconds since the epoch when the tick started. */
  readonly at: number
  family(name: string): MetricFamily | undefined
}

/**
 * One detector instance: observes each tick's view and returns its families (odin_anomaly_*,
 * odin_disk_fill_eta_seconds), published in the same snapshot. It runs on the tick, so it
 * must not block: heavy work (model training) is scheduled off it. runDetector isolates its
 * failures and times it (odin_detector_success / odin_detector_duration_seconds).
 */
export interface Detector {
  /** The `detector` label of its health series, e.g. `anomaly` for --detector.anomaly. */
  readonly name: string
  detect(view: SnapshotView): readonly MetricFamily[]
  /** Called once when the agent stops (models saved). */
  close?(): Promise<void> | void
}

export interface DetectorDeps {
  readonly config: AgentConfig
  readonly log: Logger
}

/** A detector on the list: switched with --detector.NAME / --no-detector.NAME, created once. */
export interface DetectorEntry {
  readonly name: `detector.${string}`
  readonly defaultEnabled: boolean
  readonly help: string
  readonly flags?: readonly FlagSpec[]
  /**
   * Every family its detector emits (name, type, HELP), declared once, as collectors declare
   * theirs; test/detectors.contract.test.ts checks what it emits against them.
   */
  readonly families: readonly FamilyDecl[]
  create(deps: DetectorDeps): Detector
}

/** A view over `families`: the index is built here, once. */
export function snapshotView(at: number, families: readonly MetricFamily[]): SnapshotView {
  const byName = new Map<string, MetricFamily>()
  for (const f of families) if (!byName.has(f.name)) byName.set(f.name, f)
  return { at, family: (name) => byName.get(name) }
}

/**
 * The detector a collector-list entry stands for, or undefined for a plain collector.
 * Threat detection reads /proc, so its scan runs where collectors run (the collector host,
 * on a worker thread with --sampler.worker) under the name `detector.threats`; its outcome
 * is reported as the detector `threats`, not as a collector.
 */
export function detectorOfCollector(collector: string): string | undefined {
  return collector.startsWith('detector.') ? collector.slice('detector.'.length) : undefined
}

/** A detector whose two halves tests drive apart: observe a view, then read its families. */
export interface ObservingDetector extends Detector {
  observe(view: SnapshotView): void
  families(): MetricFamily[]
}

export function observingDetector(parts: {
  readonly name: string
  observe(view: SnapshotView): void
  families(): MetricFamily[]
  close?(): Promise<void> | void
}): ObservingDetector {
  return {
    ...parts,
    detect(view) {
      parts.observe(view)
      return parts.families()
    },
  }
}
