import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAnomalyManager } from '../../src/detectors/anomaly/manager.ts'
import { MODEL_VERSION, encodeModel, loadModel, removeLeftoverTemps, saveModel } from '../../src/detectors/anomaly/model-file.ts'
import { modelOptions, resolveOptions } from '../../src/detectors/anomaly/options.ts'
import { decodeStateChecked, maxEncodedStateBytes } from '../../src/detectors/anomaly/state-codec.ts'
import { createHostAnomalyDetector as create } from '../../src/detectors/host-anomaly.ts'
import { declaredBy } from '../helpers/detect.ts'

/** The detector, its families checked against its entry's declarations on every call. */
const createHostAnomalyDetector = (...args: Parameters<typeof create>) => declaredBy('detector.anomaly', create(...args))
import { snapshotView, type SnapshotView } from '../../src/detectors/types.ts'
import { recordingLog } from './recording-log.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'odin-model-validation-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const STEP = 15_000
const T0 = Date.UTC(2024, 3, 1)

function hostSnapshot(i: number, load1 = 1 + (i % 5) / 10): SnapshotView {
  return snapshotView(T0 + i * STEP, [{ name: 'node_load1', help: '', type: 'gauge', samples: [{ labels: {}, value: load1 }] }])
}

/** A manager payload with a trained `load1` series, as the host detector saves it. */
function trainedPayload(): { kind: string; series: Record<string, Record<string, unknown>> } {
  const m = createAnomalyManager({ schedule: (t) => t() })
  for (let i = 0; i < 400; i++) m.observe('load1', T0 + i * STEP, 1 + (i % 5) / 10)
  return JSON.parse(JSON.stringify(m.encode())) as { kind: string; series: Record<string, Record<string, unknown>> }
}

/** The weekly envelope's `max` array with its first element NaN. */
function nanLike(week: unknown): string {
  const max = Buffer.from((week as { max: string }).max, 'base64')
  max.writeDoubleLE(Number.NaN, 0)
  return max.toString('base64')
}

describe('model state validated after the checksum', () => {
  const o = resolveOptions({ autoTrain: false })
  const base = trainedPayload().series.load1!
  const features = base.features as Record<string, unknown>
  const fallback = base.fallback as Record<string, unknown>
  const forest = base.forest as Record<string, unknown>
  it.each([
    ['rowCount: -1', { rowCount: -1 }, 'rowCount'],
    ['rowCount: 1.5', { rowCount: 1.5 }, 'rowCount'],
    ['rowCount: 2^60', { rowCount: 2 ** 60 }, 'rowCount'],
    ['rowsSinceTrain > rowCount', { rowsSinceTrain: 1e6 }, 'rowsSinceTrain'],
    ['trainRound: -3', { trainRound: -3 }, 'trainRound'],
    ['cooldownLeft past the cooldown', { cooldownLeft: 1e9 }, 'cooldownLeft'],
    ['features.seen: -1', { features: { ...features, seen: -1 } }, 'features.seen'],
    ['no weekly envelope', { features: { ...features, week: null } }, 'envelope'],
    ['a NaN in the weekly envelope', { features: { ...features, week: { ...(features.week as object), max: nanLike(features.week) } } }, 'envelope'],
    ['fallback.variance < 0', { fallback: { ...fallback, variance: -1 } }, 'fallback.variance'],
    ['fallback.n < 0', { fallback: { ...fallback, n: -5 } }, 'fallback.n'],
    ['alertScore: 7', { alertScore: 7 }, 'alertScore'],
    ['rows one element short', { rows: Buffer.alloc(8 * (o.window * 2 - 1)).toString('base64') }, 'array length'],
    ['a NaN in rows', { rows: Buffer.from(new Float64Array(o.window * 2).fill(Number.NaN).buffer).toString('base64') }, 'non-finite value'],
    ['forest roots out of range', { forest: { ...forest, roots: Buffer.from(new Int32Array(o.trees).fill(1e6).buffer).toString('base64') } }, 'forest'],
    ['forest with more trees than the shape', { forest: { ...forest, trees: 1e6 } }, 'forest'],
    ['lastTrainAt: -1', { lastTrainAt: -1 }, 'timestamps'],
  ])('%s is refused, naming what', (_name, patch, what) => {
    const r = decodeStateChecked({ ...base, ...patch }, o)
    expect(r).toEqual({ reason: `invalid ${what}` })
  })

  it('the unpatched state decodes', () => {
    expect('reason' in decodeStateChecked(base, o)).toBe(false)
  })

  it('a state saved under other options does not fit (not invalid)', () => {
    expect(decodeStateChecked(base, resolveOptions({ window: 1000 }))).toEqual({ reason: 'does not fit these options' })
  })
})

describe('a model file with a valid checksum and invalid content', () => {
  it('rowCount: -1 is moved aside once, logged once, and the series retrains without throwing', () => {
    const payload = trainedPayload()
    payload.series.load1!.rowCount = -1
    const path = join(dir, 'anomaly-host.model')
    saveModel(path, payload)
    const tasks: (() => void)[] = []
    const { log, lines } = recordingLog()
    const det = createHostAnomalyDetector({ dataDir: dir, log, schedule: (t) => void tasks.push(t) })
    const warned = lines.filter((l) => l.includes('anomaly model invalid'))
    expect(warned).toHaveLength(1)
    expect(warned[0]).toMatch(/invalid rowCount/)
    expect(existsSync(path)).toBe(false)
    expect(existsSync(`${path}.rejected`)).toBe(true)
    for (let i = 0; i < 300; i++) {
      det.observe(hostSnapshot(i))
      while (tasks.length > 0) tasks.shift()!()
    }
    const names = det.families().map((f) => f.name)
    expect(names).toContain('odin_anomaly_score')
    expect(names).toContain('odin_anomaly_model_trained')
    // A second start meets no bad file: nothing more is logged about it.
    const again = recordingLog()
    createHostAnomalyDetector({ dataDir: dir, log: again.log, schedule: () => {} })
    expect(again.lines.filter((l) => l.startsWith('warn'))).toEqual([])
  })

  it('a corrupt file is moved aside too', () => {
    const path = join(dir, 'anomaly-gpu.model')
    writeFileSync(path, 'odin-anomaly-model 2 sha256=00 bytes=3\nabc')
    const { log, lines } = recordingLog()
    createHostAnomalyDetector({ dataDir: dir, log, schedule: () => {} })
    expect(lines.filter((l) => l.startsWith('warn anomaly model unusable'))).toHaveLength(1)
    expect(readdirSync(dir)).toEqual(['anomaly-gpu.model.rejected'])
  })
})

describe('the decompressed-size cap comes from the model bounds', () => {
  it('is a few MB per series at the default options, far below the old 256 MiB', () => {
    const perSeries = maxEncodedStateBytes(resolveOptions())
    expect(perSeries).toBeGreaterThan(1e6)
    expect(perSeries).toBeLessThan(4e6)
    // A real, fully trained series fits well inside it.
    const real = JSON.stringify(trainedPayload().series.load1).length
    expect(real).toBeLessThan(perSeries)
  })

  it('a 200 KB file inflating to 200 MB is refused without inflating it (peak RSS of a fresh process)', () => {
    const path = join(dir, 'anomaly-host.model')
    // Build the bomb in a child process so this worker's memory stays out of it.
    const build = spawnSync(process.execPath, [
      '-e',
      `
      const z = require('node:zlib'), c = require('node:crypto'), fs = require('node:fs')
      const body = z.deflateSync(Buffer.alloc(200 * 1024 * 1024, 0x20), { level: 9 })
      const sum = c.createHash('sha256').update(body).digest('hex')
      fs.writeFileSync(${JSON.stringify(path)}, Buffer.concat([Buffer.from('odin-anomaly-model ${MODEL_VERSION} sha256=' + sum + ' bytes=' + body.length + '\\n'), body]))
    `,
    ])
    expect(build.status).toBe(0)
    expect(readFileSync(path).length).toBeLessThan(300_000)
    // The host detector's cap (8 series) with the default options.
    const cap = 8 * (maxEncodedStateBytes(resolveOptions()) + 1024) + 65_536
    expect(cap).toBeLessThan(40 * 1024 * 1024)
    const started = Date.now()
    expect(loadModel(path, cap)).toEqual({ ok: false, reason: `payload inflates past ${cap} bytes` })
    expect(Date.now() - started).toBeLessThan(5_000)
    // Peak RSS of a process doing only this load stays near the cap, not at 200 MB.
    const bun = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'bun')
    const probe = spawnSync(
      bun,
      [
        '-e',
        `
      const { loadModel } = await import(${JSON.stringify(join(import.meta.dirname, '..', '..', 'src', 'detectors', 'anomaly', 'model-file.ts'))})
      const r = loadModel(${JSON.stringify(path)}, ${cap})
      const hwm = Number(/VmHWM:\\s+(\\d+)/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))[1]) * 1024
      console.log(JSON.stringify({ ok: r.ok, hwm }))
    `,
      ],
      { encoding: 'utf8' },
    )
    expect(probe.status, probe.stderr).toBe(0)
    const { ok, hwm } = JSON.parse(probe.stdout) as { ok: boolean; hwm: number }
    expect(ok).toBe(false)
    expect(hwm).toBeLessThan(150 * 1024 * 1024)
  })

  it('a good file well inside the cap still loads', () => {
    const path = join(dir, 'm.model')
    saveModel(path, trainedPayload())
    const cap = 8 * (maxEncodedStateBytes(resolveOptions()) + 1024) + 65_536
    expect(loadModel(path, cap).ok).toBe(true)
  })
})

describe('restored series that do not come back free their slots', () => {
  it('50 foreign series do not block real ones past the grace period', () => {
    const donor = createAnomalyManager({ schedule: () => {}, maxSeries: 64 })
    for (let s = 0; s < 50; s++) donor.observe(`foreign${s}`, T0, 1)
    const payload = JSON.parse(JSON.stringify(donor.encode())) as unknown
    const m = createAnomalyManager({ schedule: () => {}, maxSeries: 8, restoreGraceMs: 300_000 })
    expect(m.restore(payload)).toEqual({ restored: 8, rejected: 42 })
    // Within the grace period a restored series could still come back: the cap holds.
    expect(m.observe('real', T0 + 60_000, 1)).toBeUndefined()
    // Past it, the unclaimed ones are dropped and the real series gets a slot.
    expect(m.observe('real', T0 + 60_000 + 300_000, 1)).toBeDefined()
    expect(m.status().map((s) => s.series)).toEqual(['real'])
  })

  it('a restored series that does come back keeps its state', () => {
    const donor = createAnomalyManager({ schedule: () => {} })
    for (let i = 0; i < 5; i++) donor.observe('load1', T0 + i * STEP, 1)
    const m = createAnomalyManager({ schedule: () => {}, restoreGraceMs: 60_000 })
    m.restore(JSON.parse(JSON.stringify(donor.encode())))
    m.observe('load1', T0 + 10 * STEP, 1)
    m.observe('other', T0 + 100 * STEP, 1)
    expect(
      m
        .status()
        .map((s) => s.series)
        .sort(),
    ).toEqual(['load1', 'other'])
  })

  it('in the host detector, with GPUs that no longer exist', () => {
    // The GPU detector's own model (compact), so the restore takes the 50 series.
    const donor = createAnomalyManager({ detector: modelOptions('compact'), schedule: () => {}, maxSeries: 64 })
    for (let s = 0; s < 50; s++) donor.observe(`gpu${s + 8}_temp`, T0, 60)
    saveModel(join(dir, 'anomaly-gpu.model'), donor.encode())
    const det = createHostAnomalyDetector({ dataDir: dir, log: recordingLog().log, schedule: () => {}, maxGpus: 2 })
    const gpuSnap = (i: number): SnapshotView =>
      snapshotView(T0 + i * STEP, [{ name: 'DCGM_FI_DEV_GPU_TEMP', help: '', type: 'gauge', samples: [{ labels: { gpu: '0' }, value: 60 }] }])
    det.observe(gpuSnap(0))
    const series = () =>
      det
        .families()
        .find((f) => f.name === 'odin_anomaly_score')
        ?.samples.map((s) => s.labels.series) ?? []
    expect(series()).toEqual([])
    det.observe(gpuSnap(21)) // 5 min 15 s later
    expect(series()).toEqual(['gpu0_temp'])
  })
})

describe('leftover temp files', () => {
  it('are removed at start; models and other files stay', () => {
    writeFileSync(join(dir, 'anomaly-host.model.tmp-123-abcd'), 'half')
    writeFileSync(join(dir, 'anomaly-gpu.model.tmp-9-ff'), '')
    writeFileSync(join(dir, 'notes.txt'), 'keep')
    saveModel(join(dir, 'anomaly-host.model'), trainedPayload())
    const { log, lines } = recordingLog()
    createHostAnomalyDetector({ dataDir: dir, log, schedule: () => {} })
    expect(readdirSync(dir).sort()).toEqual(['anomaly-host.model', 'notes.txt'])
    expect(lines.some((l) => l.includes('temp files') && l.includes('"files":2'))).toBe(true)
  })

  it('removeLeftoverTemps on a missing directory removes nothing', () => {
    expect(removeLeftoverTemps(join(dir, 'absent'))).toEqual([])
    expect(encodeModel({}).length).toBeGreaterThan(0)
  })
})
