import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadModel } from '../../src/detectors/anomaly/model-file.ts'
import { COMPACT_OPTIONS } from '../../src/detectors/anomaly/options.ts'
import { createHostAnomalyDetector as create } from '../../src/detectors/host-anomaly.ts'
import { declaredBy } from '../helpers/detect.ts'

/** The detector, its families checked against its entry's declarations on every call. */
const createHostAnomalyDetector = (...args: Parameters<typeof create>) => declaredBy('detector.anomaly', create(...args))
import type { MetricFamily } from '../../src/metrics/types.ts'
import { snapshotView, type SnapshotView } from '../../src/detectors/types.ts'
import { gaussian } from './synthetic.ts'
import { recordingLog } from './recording-log.ts'

const STEP = 15_000
const T0 = Date.UTC(2024, 3, 1)

function snapshot(i: number, temps: number[], load1: number, availRatio: number): SnapshotView {
  const gpuLabels = (g: number) => ({ gpu: String(g), UUID: `GPU-${g}`, device: `nvidia${g}`, modelName: 'H100' })
  const families: MetricFamily[] = [
    { name: 'node_load1', help: '', type: 'gauge', samples: [{ labels: {}, value: load1 }] },
    { name: 'node_memory_MemTotal_bytes', help: '', type: 'gauge', samples: [{ labels: {}, value: 64e9 }] },
    { name: 'node_memory_MemAvailable_bytes', help: '', type: 'gauge', samples: [{ labels: {}, value: 64e9 * availRatio }] },
    { name: 'DCGM_FI_DEV_GPU_TEMP', help: '', type: 'gauge', samples: temps.map((v, g) => ({ labels: gpuLabels(g), value: v })) },
    {
      name: 'DCGM_FI_DEV_POWER_USAGE',
      help: '',
      type: 'gauge',
      samples: temps.map((v, g) => ({ labels: gpuLabels(g), value: 5 * v })),
    },
  ]
  return snapshotView(T0 + i * STEP, families)
}

function sample(fams: MetricFamily[], name: string, labels: Record<string, string>): number | undefined {
  return fams.find((f) => f.name === name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'odin-host-anomaly-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Feeds n snapshots of quiet load, memory and two GPUs, running scheduled tasks after each. */
function feed(det: ReturnType<typeof createHostAnomalyDetector>, tasks: (() => void)[], from: number, n: number, spikeAt = -1) {
  const g = gaussian(from + 1)
  for (let i = from; i < from + n; i++) {
    const temps = [60 + 0.3 * g(), 65 + 0.3 * g()]
    if (i === spikeAt) temps[1] = 95
    det.observe(snapshot(i, temps, 1.5 + 0.05 * g(), 0.6 + 0.002 * g()))
    while (tasks.length > 0) tasks.shift()!()
  }
}

describe('host anomaly detector', () => {
  it('exports scores per series, flags the GPU that spikes and only it', () => {
    const tasks: (() => void)[] = []
    const { log } = recordingLog()
    const det = createHostAnomalyDetector({ dataDir: dir, log, schedule: (t) => void tasks.push(t) })
    feed(det, tasks, 0, 1000)
    let fams = det.families()
    expect(sample(fams, 'odin_anomaly_model_trained', { detector: 'host' })).toBe(1)
    expect(sample(fams, 'odin_anomaly_model_trained', { detector: 'gpu' })).toBe(1)
    expect(sample(fams, 'odin_anomaly_model_last_train_timestamp_seconds', { detector: 'gpu' })).toBeGreaterThan(T0 / 1000)
    const series = fams.find((f) => f.name === 'odin_anomaly_score')!.samples.map((s) => `${s.labels.detector}/${s.labels.series}`)
    expect(series.sort()).toEqual(['gpu/gpu0_power', 'gpu/gpu0_temp', 'gpu/gpu1_power', 'gpu/gpu1_temp', 'host/load1', 'host/memory_available_ratio'])
    for (const s of fams.find((f) => f.name === 'odin_anomaly')!.samples) expect(s.value).toBe(0)
    feed(det, tasks, 1000, 1, 1000)
    fams = det.families()
    expect(sample(fams, 'odin_anomaly', { detector: 'gpu', series: 'gpu1_temp' })).toBe(1)
    expect(sample(fams, 'odin_anomaly', { detector: 'gpu', series: 'gpu0_temp' })).toBe(0)
    expect(sample(fams, 'odin_anomaly', { detector: 'host', series: 'load1' })).toBe(0)
    expect(sample(fams, 'odin_anomaly_score', { detector: 'gpu', series: 'gpu1_temp' })).toBeGreaterThanOrEqual(0.75)
    // The flag holds for 10 minutes of sample time so a slower scrape cannot miss it, then clears.
    feed(det, tasks, 1001, 30)
    expect(sample(det.families(), 'odin_anomaly', { detector: 'gpu', series: 'gpu1_temp' })).toBe(1)
    feed(det, tasks, 1031, 20)
    expect(sample(det.families(), 'odin_anomaly', { detector: 'gpu', series: 'gpu1_temp' })).toBe(0)
  })

  it('scores the GPU series with the compact model and the host series with the default', async () => {
    const tasks: (() => void)[] = []
    const det = createHostAnomalyDetector({ dataDir: dir, log: recordingLog().log, schedule: (t) => void tasks.push(t) })
    feed(det, tasks, 0, 400)
    await det.close?.()
    const shapes = (name: string) => {
      const r = loadModel(join(dir, name))
      if (!r.ok) throw new Error(r.reason)
      const p = r.payload as { series: Record<string, { shape: { trees: number; maxDepth: number } }> }
      return Object.values(p.series).map((s) => s.shape)
    }
    expect(shapes('anomaly-gpu.model')).toEqual(Array(4).fill(expect.objectContaining({ trees: COMPACT_OPTIONS.trees, maxDepth: 6 })))
    expect(shapes('anomaly-host.model')).toEqual(Array(2).fill(expect.objectContaining({ trees: 100, maxDepth: 0 })))
  })

  it('trains only in scheduled tasks, never inside observe', () => {
    const tasks: (() => void)[] = []
    const det = createHostAnomalyDetector({ dataDir: '', log: recordingLog().log, schedule: (t) => void tasks.push(t) })
    for (let i = 0; i < 400; i++) det.observe(snapshot(i, [60, 65], 1, 0.5 + (i % 7) / 100))
    expect(sample(det.families(), 'odin_anomaly_model_trained', { detector: 'host' })).toBe(0)
    expect(tasks.length).toBeGreaterThan(0)
    while (tasks.length > 0) tasks.shift()!()
    expect(sample(det.families(), 'odin_anomaly_model_trained', { detector: 'host' })).toBe(1)
  })

  it('persists models under dataDir and restores them after a restart', async () => {
    const tasks: (() => void)[] = []
    const det = createHostAnomalyDetector({ dataDir: dir, log: recordingLog().log, schedule: (t) => void tasks.push(t) })
    feed(det, tasks, 0, 600)
    await det.close?.()
    expect(readdirSync(dir).sort()).toEqual(['anomaly-gpu.model', 'anomaly-host.model'])
    const { log, lines } = recordingLog()
    const again = createHostAnomalyDetector({ dataDir: dir, log, schedule: (t) => void tasks.push(t) })
    expect(lines.filter((l) => l.startsWith('info anomaly models restored'))).toHaveLength(2)
    again.observe(snapshot(600, [60, 65], 1.5, 0.6))
    expect(sample(again.families(), 'odin_anomaly_model_trained', { detector: 'gpu' })).toBe(1)
  })

  it('retrains from scratch when a model file is corrupt', () => {
    writeFileSync(join(dir, 'anomaly-host.model'), 'odin-anomaly-model 1 sha256=00 bytes=3\nabc')
    writeFileSync(join(dir, 'anomaly-gpu.model'), Buffer.from([0, 1, 2, 3]))
    const tasks: (() => void)[] = []
    const { log, lines } = recordingLog()
    const det = createHostAnomalyDetector({ dataDir: dir, log, schedule: (t) => void tasks.push(t) })
    expect(lines.filter((l) => l.startsWith('warn anomaly model unusable, retraining'))).toHaveLength(2)
    feed(det, tasks, 0, 200)
    expect(sample(det.families(), 'odin_anomaly_model_trained', { detector: 'host' })).toBe(1)
  })

  it('exports nothing for a detector whose series are absent', () => {
    const det = createHostAnomalyDetector({ dataDir: '', log: recordingLog().log, schedule: () => {} })
    det.observe(snapshotView(T0, []))
    expect(det.families()).toEqual([])
  })
})
