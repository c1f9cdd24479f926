import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from '../log/logger.ts'
import { Families } from '../metrics/families.ts'
import type { FamilyDecl } from '../metrics/declared.ts'
import type { Labels } from '../metrics/types.ts'
import { observingDetector, type ObservingDetector, type SnapshotView } from './types.ts'
import { createAnomalyManager, type AnomalyManager } from './anomaly/manager.ts'
import { loadModel, rejectModel, removeLeftoverTemps, saveModel } from './anomaly/model-file.ts'
import { ANOMALY_THRESHOLD, resolveOptions, type DetectorOptions } from './anomaly/options.ts'
import { maxEncodedStateBytes } from './anomaly/state-codec.ts'

/** One series a detector scores in a snapshot. */
export interface SeriesSubject {
  /** Stable identity across snapshots and restarts: the model's name in the model file. */
  readonly key: string
  /** Labels of its odin_anomaly_score / odin_anomaly samples, after `detector`. */
  readonly labels: Labels
  readonly value: number
}

export interface SeriesAnomalyOptions {
  /** The `detector` label and the model file's name (anomaly-<name>.model). */
  readonly name: string
  /** Series tracked at most; further subjects are not scored (counted in `untracked`). */
  readonly maxSeries: number
  /** Engine options (e.g. modelOptions('compact')); one configuration for every series. */
  readonly model?: Partial<DetectorOptions>
  /** The series to score, read from one snapshot. */
  readonly pick: (snapshot: SnapshotView) => readonly SeriesSubject[]
  /** Directory for the model file; '' keeps models in memory only. */
  readonly dataDir: string
  readonly log: Logger
  readonly schedule: (task: () => void) => void
  /** Sample time between model saves (default 10 minutes). */
  readonly saveEveryMs?: number
  /** How long odin_anomaly stays 1 after an alert (default 10 minutes). */
  readonly holdMs?: number
  /**
   * A series absent from the picks for this much sample time loses its slot and its model
   * (default 10 minutes), so a brief gap (a restart, a missed read) keeps the model.
   */
  readonly dropAfterMs?: number
}

/** One detector's series: scoring, slots, persistence; its samples go into a shared Families. */
export interface SeriesAnomalyDetector {
  readonly name: string
  observe(snapshot: SnapshotView): void
  /** Adds this detector's odin_anomaly_* samples (nothing when it scored no series). */
  emit(f: Families): void
  /** Subjects not scored for want of a slot, summed over every snapshot. */
  untracked(): number
  /** Series holding a slot (scored now or within their grace period). */
  tracked(): number
  readonly manager: AnomalyManager
  /** Saves the models (if changed). */
  close(now: number): void
}

const HOLD_MS = 600_000

export const SCORE_DECL = {
  name: 'odin_anomaly_score',
  type: 'gauge',
  help: 'Anomaly score in [0, 1] of the series, from its isolation-forest model.',
} as const satisfies FamilyDecl
/** Its HELP states the agent's hold and threshold (the defaults; tests may shorten the hold). */
export const FLAG_DECL = {
  name: 'odin_anomaly',
  type: 'gauge',
  help: `1 for ${HOLD_MS / 60_000} min after each alert (score reached ${ANOMALY_THRESHOLD}; one alert per event, an escalation raises another), else 0.`,
} as const satisfies FamilyDecl
export const TRAINED_DECL = {
  name: 'odin_anomaly_model_trained',
  type: 'gauge',
  help: 'Whether every series of the detector is scored by a trained model (else the statistical fallback).',
} as const satisfies FamilyDecl
export const LAST_TRAIN_DECL = {
  name: 'odin_anomaly_model_last_train_timestamp_seconds',
  type: 'gauge',
  help: 'Sample time of the last model training, seconds since the epoch.',
} as const satisfies FamilyDecl
/** The families every series anomaly detector emits (host, gpu, pod): one declaration each. */
export const ANOMALY_FAMILIES: readonly FamilyDecl[] = [SCORE_DECL, FLAG_DECL, TRAINED_DECL, LAST_TRAIN_DECL]

export function createSeriesAnomalyDetector(opts: SeriesAnomalyOptions): SeriesAnomalyDetector {
  const { name, log } = opts
  const saveEveryMs = opts.saveEveryMs ?? 600_000
  // The engine raises one alert per event (a single sample). Prometheus may scrape less
  // often than the agent samples, so the exported flag holds for a while after each alert.
  const holdMs = opts.holdMs ?? HOLD_MS
  const dropAfterMs = opts.dropAfterMs ?? 600_000
  const path = opts.dataDir ? join(opts.dataDir, `anomaly-${name}.model`) : ''
  const raisedAt = new Map<string, number>()
  /** Sample time each tracked series was last picked. */
  const lastSeen = new Map<string, number>()
  /** Series scored in the last snapshot, in order, with their labels. */
  let current: { key: string; labels: Labels }[] = []
  let lastAt = 0
  let dirty = false
  let lastSaveAt = 0
  let untracked = 0

  const save = (): void => {
    if (!path || !dirty) return
    try {
      mkdirSync(opts.dataDir, { recursive: true })
      saveModel(path, manager.encode())
      dirty = false
      lastSaveAt = lastAt
    } catch (err) {
      log.warn('anomaly model not saved', { detector: name, err: err instanceof Error ? err.message : String(err) })
    }
  }

  const manager = createAnomalyManager({
    detector: opts.model,
    schedule: opts.schedule,
    maxSeries: opts.maxSeries,
    onTrained: (series, ok) => {
      if (!ok) {
        log.warn('anomaly model training failed; statistical fallback in use', { detector: name, series })
        return
      }
      dirty = true
      // Saving follows training on the same scheduled task, off the scoring path.
      if (lastAt - lastSaveAt >= saveEveryMs) save()
    },
  })

  if (path) {
    const removed = removeLeftoverTemps(opts.dataDir)
    if (removed.length > 0) log.info('anomaly model temp files left by an interrupted save removed', { files: removed.length })
    // The payload can hold no more than maxSeries series at their largest: inflate no further.
    const perSeriesBytes = maxEncodedStateBytes(resolveOptions(opts.model))
    const loaded = loadModel(path, opts.maxSeries * (perSeriesBytes + 1024) + 65_536)
    if (loaded.ok) {
      const r = manager.restore(loaded.payload)
      log.info('anomaly models restored', { detector: name, restored: r.restored, rejected: r.rejected })
      if (r.invalid) {
        // Logged once: the file is moved aside, so the next start does not meet it again.
        log.warn('anomaly model invalid, moved aside; its series retrain', { detector: name, reason: r.invalid, moved_to: rejectModel(path) ?? '(removed)' })
      }
    } else if (loaded.reason !== 'no model file') {
      const aside = loaded.reason.startsWith('cannot read') ? undefined : (rejectModel(path) ?? '(removed)')
      log.warn('anomaly model unusable, retraining', { detector: name, reason: loaded.reason, ...(aside ? { moved_to: aside } : {}) })
    }
  }

  /** Frees the slot and model of every series unseen for dropAfterMs. */
  const expire = (at: number): void => {
    for (const [key, seen] of lastSeen) {
      if (at - seen < dropAfterMs) continue
      manager.drop(key)
      lastSeen.delete(key)
      raisedAt.delete(key)
      dirty = true
    }
  }

  return {
    name,
    manager,
    observe(snapshot) {
      lastAt = snapshot.at
      // Slots of series gone for the grace period are freed before the new picks claim any.
      expire(snapshot.at)
      const picks = opts.pick(snapshot)
      current = []
      for (const p of picks) {
        if (!Number.isFinite(p.value)) continue
        const o = manager.observe(p.key, snapshot.at, p.value)
        if (!o) {
          untracked++
          continue
        }
        current.push({ key: p.key, labels: p.labels })
        lastSeen.set(p.key, snapshot.at)
        if (o.anomalous) raisedAt.set(p.key, snapshot.at)
      }
      if (picks.length > 0) dirty = true
    },
    emit(f) {
      if (current.length === 0) return
      const status = new Map(manager.status().map((s) => [s.series, s]))
      let trained = true
      let lastTrain = 0
      for (const { key, labels } of current) {
        const s = status.get(key)
        if (!s) continue
        const all = { detector: name, ...labels }
        f.put(SCORE_DECL, s.score, all)
        const raised = raisedAt.get(key)
        const held = raised !== undefined && lastAt - raised < holdMs
        f.put(FLAG_DECL, held ? 1 : 0, all)
        trained &&= s.trained
        lastTrain = Math.max(lastTrain, s.lastTrainAt)
      }
      f.put(TRAINED_DECL, trained ? 1 : 0, { detector: name })
      if (lastTrain > 0) {
        f.put(LAST_TRAIN_DECL, lastTrain / 1000, { detector: name })
      }
    },
    untracked: () => untracked,
    tracked: () => manager.status().length,
    close(now) {
      if (lastAt === 0) lastAt = now
      save()
    },
  }
}

/** One observer over several series detectors: observes each, emits their families together. */
export function anomalyObserver(name: string, detectors: readonly SeriesAnomalyDetector[], now: (() => number) | undefined, extra?: (f: Families) => void): ObservingDetector {
  let lastAt = 0
  return observingDetector({
    name,
    observe(snapshot) {
      lastAt = snapshot.at
      for (const d of detectors) d.observe(snapshot)
    },
    families() {
      const f = new Families()
      f.declare(SCORE_DECL.name, SCORE_DECL.type, SCORE_DECL.help)
      for (const d of detectors) d.emit(f)
      extra?.(f)
      return f.list()
    },
    close() {
      const at = lastAt || (now?.() ?? 0)
      for (const d of detectors) d.close(at)
    },
  })
}
