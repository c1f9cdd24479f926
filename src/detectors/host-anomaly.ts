import { setImmediate } from 'node:timers'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { SnapshotObserver } from '../agent.ts'
import type { Logger } from '../log/logger.ts'
import { Families } from '../metrics/families.ts'
import type { MetricFamily } from '../metrics/types.ts'
import type { Snapshot } from '../sampler/snapshot.ts'
import { createAnomalyManager, type AnomalyManager } from './anomaly/manager.ts'
import { loadModel, rejectModel, removeLeftoverTemps, saveModel } from './anomaly/model-file.ts'
import { ANOMALY_THRESHOLD, modelOptions, resolveOptions, type DetectorOptions } from './anomaly/options.ts'
import { maxEncodedStateBytes } from './anomaly/state-codec.ts'

/**
 * In-agent anomaly detection on a few host and GPU series, one engine per series
 * (src/detectors/anomaly), exported as odin_anomaly_* (CATALOGUE.md):
 * - detector="host": load1 (node_load1), memory_available_ratio (MemAvailable / MemTotal);
 * - detector="gpu": gpu<N>_temp (DCGM_FI_DEV_GPU_TEMP), gpu<N>_power (DCGM_FI_DEV_POWER_USAGE),
 *   scored by the compact model (many series: two per GPU, up to 16 GPUs).
 * Time comes from the snapshot. Retraining runs on `schedule` (setImmediate), one series per
 * task, never inside observe(); models persist under dataDir (anomaly-<detector>.model) after
 * training, at most every `saveEveryMs` of sample time, and on close().
 */
export interface HostAnomalyOptions {
  /** Directory for the model files; '' keeps models in memory only. */
  readonly dataDir: string
  readonly log: Logger
  /** Wall clock (ms); only used when no snapshot has been seen yet. */
  readonly now?: () => number
  readonly schedule?: (task: () => void) => void
  readonly detectorOptions?: Partial<DetectorOptions>
  /** Sample time between model saves (default 10 minutes). */
  readonly saveEveryMs?: number
  /** GPUs tracked at most (two series each). */
  readonly maxGpus?: number
  /** How long odin_anomaly stays 1 after an alert (default 10 minutes). */
  readonly holdMs?: number
}

type DetectorName = 'host' | 'gpu'

interface Pick {
  readonly series: string
  readonly value: number
}

function family(s: Snapshot, name: string): MetricFamily | undefined {
  return s.families.find((f) => f.name === name)
}

function single(s: Snapshot, name: string): number | undefined {
  const v = family(s, name)?.samples[0]?.value
  return v === undefined || !Number.isFinite(v) ? undefined : v
}

/** The series each detector watches, read from one snapshot: a table, one loop. */
const PICKERS: Record<DetectorName, (s: Snapshot, maxGpus: number) => Pick[]> = {
  host(s) {
    const out: Pick[] = []
    const load1 = single(s, 'node_load1')
    if (load1 !== undefined) out.push({ series: 'load1', value: load1 })
    const avail = single(s, 'node_memory_MemAvailable_bytes')
    const total = single(s, 'node_memory_MemTotal_bytes')
    if (avail !== undefined && total !== undefined && total > 0) {
      out.push({ series: 'memory_available_ratio', value: avail / total })
    }
    return out
  },
  gpu(s, maxGpus) {
    const out: Pick[] = []
    for (const [metric, suffix] of [
      ['DCGM_FI_DEV_GPU_TEMP', 'temp'],
      ['DCGM_FI_DEV_POWER_USAGE', 'power'],
    ] as const) {
      for (const sample of family(s, metric)?.samples ?? []) {
        const gpu = sample.labels.gpu
        // MIG instances repeat the parent GPU's device-level readings; one series per GPU.
        if (gpu === undefined || !/^\d+$/.test(gpu) || Number(gpu) >= maxGpus || sample.labels.GPU_I_ID !== undefined) continue
        if (Number.isFinite(sample.value)) out.push({ series: `gpu${gpu}_${suffix}`, value: sample.value })
      }
    }
    return out
  },
}

const NAMES: readonly DetectorName[] = ['host', 'gpu']

export function createHostAnomalyDetector(opts: HostAnomalyOptions): SnapshotObserver {
  const schedule = opts.schedule ?? ((task: () => void) => void setImmediate(task))
  const saveEveryMs = opts.saveEveryMs ?? 600_000
  const maxGpus = opts.maxGpus ?? 16
  // The engine raises one alert per event (a single sample). Prometheus may scrape less
  // often than the agent samples, so the exported flag holds for a while after each alert.
  const holdMs = opts.holdMs ?? 600_000
  const raisedAt = new Map<string, number>()
  const log = opts.log
  let lastAt = 0
  const pathOf = (name: DetectorName) => (opts.dataDir ? join(opts.dataDir, `anomaly-${name}.model`) : '')

  interface Entry {
    readonly manager: AnomalyManager
    readonly path: string
    /** Series seen in the last snapshot, in order. */
    current: string[]
    dirty: boolean
    lastSaveAt: number
  }
  const entries = new Map<DetectorName, Entry>()
  if (opts.dataDir) {
    const removed = removeLeftoverTemps(opts.dataDir)
    if (removed.length > 0) log.info('anomaly model temp files left by an interrupted save removed', { files: removed.length })
  }
  // Up to two series per GPU: the compact model (at most 62 KB a series instead of ~0.7 MB);
  // the host's two series keep the default.
  const detectorOf = (name: DetectorName) => (name === 'gpu' ? modelOptions('compact', opts.detectorOptions) : opts.detectorOptions)

  const save = (name: DetectorName, e: Entry): void => {
    if (!e.path || !e.dirty) return
    try {
      mkdirSync(opts.dataDir, { recursive: true })
      saveModel(e.path, e.manager.encode())
      e.dirty = false
      e.lastSaveAt = lastAt
    } catch (err) {
      log.warn('anomaly model not saved', { detector: name, err: err instanceof Error ? err.message : String(err) })
    }
  }

  for (const name of NAMES) {
    const maxSeries = name === 'gpu' ? 2 * maxGpus : 8
    const entry: Entry = {
      manager: createAnomalyManager({
        detector: detectorOf(name),
        schedule,
        maxSeries,
        onTrained: (series, ok) => {
          if (!ok) {
            log.warn('anomaly model training failed; statistical fallback in use', { detector: name, series })
            return
          }
          entry.dirty = true
          // Saving follows training on the same scheduled task, off the scoring path.
          if (lastAt - entry.lastSaveAt >= saveEveryMs) save(name, entry)
        },
      }),
      path: pathOf(name),
      current: [],
      dirty: false,
      lastSaveAt: 0,
    }
    entries.set(name, entry)
    if (entry.path) {
      // The payload can hold no more than maxSeries series at their largest: inflate no further.
      const perSeriesBytes = maxEncodedStateBytes(resolveOptions(detectorOf(name)))
      const loaded = loadModel(entry.path, maxSeries * (perSeriesBytes + 1024) + 65_536)
      if (loaded.ok) {
        const r = entry.manager.restore(loaded.payload)
        log.info('anomaly models restored', { detector: name, restored: r.restored, rejected: r.rejected })
        if (r.invalid) {
          // Logged once: the file is moved aside, so the next start does not meet it again.
          log.warn('anomaly model invalid, moved aside; its series retrain', { detector: name, reason: r.invalid, moved_to: rejectModel(entry.path) ?? '(removed)' })
        }
      } else if (loaded.reason !== 'no model file') {
        const aside = loaded.reason.startsWith('cannot read') ? undefined : (rejectModel(entry.path) ?? '(removed)')
        log.warn('anomaly model unusable, retraining', { detector: name, reason: loaded.reason, ...(aside ? { moved_to: aside } : {}) })
      }
    }
  }

  return {
    name: 'anomaly',
    observe(snapshot) {
      lastAt = snapshot.at
      for (const [name, e] of entries) {
        const picks = PICKERS[name](snapshot, maxGpus)
        e.current = []
        for (const p of picks) {
          if (e.manager.observe(p.series, snapshot.at, p.value)) e.current.push(p.series)
        }
        if (picks.length > 0) e.dirty = true
        for (const st of e.manager.status()) {
          if (st.anomalous) raisedAt.set(`${name}\u0000${st.series}`, snapshot.at)
        }
      }
    },
    families() {
      const threshold = opts.detectorOptions?.threshold ?? ANOMALY_THRESHOLD
      const f = new Families()
      f.declare('odin_anomaly_score', 'gauge', 'Anomaly score in [0, 1] of the series, from its isolation-forest model.')
      for (const [name, e] of entries) {
        const status = new Map(e.manager.status().map((s) => [s.series, s]))
        let trained = e.current.length > 0
        let lastTrain = 0
        for (const series of e.current) {
          const s = status.get(series)
          if (!s) continue
          const labels = { detector: name, series }
          f.gauge('odin_anomaly_score', 'Anomaly score in [0, 1] of the series, from its isolation-forest model.', s.score, labels)
          const raised = raisedAt.get(`${name}\u0000${series}`)
          const held = raised !== undefined && lastAt - raised < holdMs
          f.gauge('odin_anomaly', `1 for ${holdMs / 60_000} min after each alert (score reached ${threshold}; one alert per event, an escalation raises another), else 0.`, held ? 1 : 0, labels)
          trained &&= s.trained
          lastTrain = Math.max(lastTrain, s.lastTrainAt)
        }
        if (e.current.length === 0) continue
        f.gauge('odin_anomaly_model_trained', 'Whether every series of the detector is scored by a trained model (else the statistical fallback).', trained ? 1 : 0, { detector: name })
        if (lastTrain > 0) {
          f.gauge('odin_anomaly_model_last_train_timestamp_seconds', 'Sample time of the last model training, seconds since the epoch.', lastTrain / 1000, { detector: name })
        }
      }
      return f.list()
    },
    close() {
      if (lastAt === 0) lastAt = opts.now?.() ?? 0
      for (const [name, e] of entries) save(name, e)
    },
  }
}
