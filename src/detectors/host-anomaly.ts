import { setImmediate } from 'node:timers'
import type { Logger } from '../log/logger.ts'
import type { ObservingDetector, SnapshotView } from './types.ts'
import { modelOptions, type DetectorOptions } from './anomaly/options.ts'
import { anomalyObserver, createSeriesAnomalyDetector, type SeriesSubject } from './series-anomaly.ts'

/**
 * In-agent anomaly detection on a few host and GPU series, one engine per series
 * (src/detectors/anomaly), exported as odin_anomaly_* (ANOMALY_FAMILIES; README, "What an alert means"):
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

interface Pick {
  readonly series: string
  readonly value: number
}

function single(s: SnapshotView, name: string): number | undefined {
  const v = s.family(name)?.samples[0]?.value
  return v === undefined || !Number.isFinite(v) ? undefined : v
}

/** The series each detector watches, read from one snapshot: a table, one loop. */
const PICKERS = {
  host(s: SnapshotView): Pick[] {
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
  gpu(s: SnapshotView, maxGpus: number): Pick[] {
    const out: Pick[] = []
    for (const [metric, suffix] of [
      ['DCGM_FI_DEV_GPU_TEMP', 'temp'],
      ['DCGM_FI_DEV_POWER_USAGE', 'power'],
    ] as const) {
      for (const sample of s.family(metric)?.samples ?? []) {
        const gpu = sample.labels.gpu
        // MIG instances repeat the parent GPU's device-level readings; one series per GPU.
        if (gpu === undefined || !/^\d+$/.test(gpu) || Number(gpu) >= maxGpus || sample.labels.GPU_I_ID !== undefined) continue
        if (Number.isFinite(sample.value)) out.push({ series: `gpu${gpu}_${suffix}`, value: sample.value })
      }
    }
    return out
  },
}

export function createHostAnomalyDetector(opts: HostAnomalyOptions): ObservingDetector {
  const schedule = opts.schedule ?? ((task: () => void) => void setImmediate(task))
  const maxGpus = opts.maxGpus ?? 16
  const common = { dataDir: opts.dataDir, log: opts.log, schedule, saveEveryMs: opts.saveEveryMs, holdMs: opts.holdMs }
  const asSubjects = (picks: Pick[]): SeriesSubject[] => picks.map((p) => ({ key: p.series, labels: { series: p.series }, value: p.value }))
  const detectors = [
    // The host's two series keep the default model.
    createSeriesAnomalyDetector({ ...common, name: 'host', maxSeries: 8, model: opts.detectorOptions, pick: (s) => asSubjects(PICKERS.host(s)) }),
    // Up to two series per GPU: the compact model (at most 62 KB a series instead of ~0.7 MB).
    createSeriesAnomalyDetector({
      ...common,
      name: 'gpu',
      maxSeries: 2 * maxGpus,
      model: modelOptions('compact', opts.detectorOptions),
      pick: (s) => asSubjects(PICKERS.gpu(s, maxGpus)),
    }),
  ]
  return anomalyObserver('anomaly', detectors, opts.now)
}
