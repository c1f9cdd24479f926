import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadModel } from '../../src/detectors/anomaly/model-file.ts'
import { resolveOptions } from '../../src/detectors/anomaly/options.ts'
import { declaredBy } from '../helpers/detect.ts'
import { CPU_SERIES, createPodAnomalyDetector as create, createPodPicker, MEMORY_SERIES, POD_MAX_KEY_CHARS, POD_MODEL } from '../../src/detectors/pod-anomaly.ts'
import { createSeriesAnomalyDetector } from '../../src/detectors/series-anomaly.ts'
import type { MetricFamily } from '../../src/metrics/types.ts'
import { snapshotView, type SnapshotView } from '../../src/detectors/types.ts'
import { gaussian } from './synthetic.ts'
import { structuralBytes } from './structural-bytes.ts'
import { forestBytes, maxForestBytes } from '../../src/detectors/anomaly/forest.ts'
import { recordingLog } from './recording-log.ts'

/** The detector, its families checked against its entry's declarations on every call. */
const createPodAnomalyDetector = (...args: Parameters<typeof create>) => declaredBy('detector.pod_anomaly', create(...args))

const STEP = 15_000
const T0 = Date.UTC(2024, 3, 1)
const MIB = 1024 * 1024
/** Ticks of 15 s in a day. */
const DAY = 5760

interface Ctr {
  readonly ns: string
  readonly pod: string
  readonly name: string
  /** cgroup path (the `id` label). */
  id: string
  /** cumulative CPU seconds */
  cpu: number
  ws: number
}

function snapshot(i: number, ctrs: readonly Ctr[], extra: MetricFamily[] = []): SnapshotView {
  const labels = (c: Ctr) => ({ container: c.name, id: c.id, image: 'img', name: c.id.slice(-8), namespace: c.ns, pod: c.pod })
  const families: MetricFamily[] = [
    { name: 'container_cpu_usage_seconds_total', help: '', type: 'counter', samples: ctrs.map((c) => ({ labels: { ...labels(c), cpu: 'total' }, value: c.cpu })) },
    { name: 'container_memory_working_set_bytes', help: '', type: 'gauge', samples: ctrs.map((c) => ({ labels: labels(c), value: c.ws })) },
    ...extra,
  ]
  return snapshotView(T0 + i * STEP, families)
}

function ctr(n: number): Ctr {
  return { ns: 'ml', pod: `trainer-${n}`, name: 'worker', id: `/kubepods/pod${n}/c${n}`, cpu: 0, ws: 0 }
}

function value(fams: MetricFamily[], name: string, labels: Record<string, string>): number | undefined {
  return fams.find((f) => f.name === name)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value
}

/** Advances every container one tick of quiet load: ~0.5 core, a steady working set. */
function quiet(ctrs: Ctr[], g: () => number): void {
  for (const c of ctrs) {
    c.cpu += (0.5 + 0.02 * g()) * (STEP / 1000)
    c.ws = 200 * MIB + 2 * MIB * g()
  }
}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'odin-pod-anomaly-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

type Det = ReturnType<typeof createPodAnomalyDetector>

/** Feeds n ticks, running scheduled trainings after each; returns the ticks where odin_anomaly rose, per pod/series. */
function run(det: Det, tasks: (() => void)[], ctrs: Ctr[], from: number, n: number, g: () => number, change?: (i: number) => void): string[] {
  const raised: string[] = []
  for (let i = from; i < from + n; i++) {
    quiet(ctrs, g)
    change?.(i)
    det.observe(snapshot(i, ctrs))
    while (tasks.length > 0) tasks.shift()!()
    for (const s of det.families().find((f) => f.name === 'odin_anomaly')?.samples ?? []) {
      if (s.value === 1) raised.push(`${i} ${s.labels.pod}/${s.labels.series}`)
    }
  }
  return raised
}

describe('pod anomaly detector', () => {
  it('scores each container CPU rate and working set under the pod labels', () => {
    const tasks: (() => void)[] = []
    const det = createPodAnomalyDetector({ dataDir: '', log: recordingLog().log, schedule: (t) => void tasks.push(t) })
    const ctrs = [ctr(0), ctr(1)]
    run(det, tasks, ctrs, 0, 2, gaussian(1))
    const fams = det.families()
    const scores = fams.find((f) => f.name === 'odin_anomaly_score')!.samples.map((s) => s.labels)
    expect(scores).toContainEqual({ detector: 'pod', namespace: 'ml', pod: 'trainer-0', container: 'worker', series: CPU_SERIES })
    expect(scores).toContainEqual({ detector: 'pod', namespace: 'ml', pod: 'trainer-1', container: 'worker', series: MEMORY_SERIES })
    expect(scores).toHaveLength(4)
    expect(fams.find((f) => f.name === 'odin_anomaly')!.samples).toHaveLength(4)
    expect(value(fams, 'odin_series_dropped_total', { collector: 'pod_anomaly' })).toBe(0)
  })

  it('flags a CPU step and a working-set climb it never trained on, and keeps to the false-alert rate on normal data', () => {
    const tasks: (() => void)[] = []
    const det = createPodAnomalyDetector({ dataDir: dir, log: recordingLog().log, schedule: (t) => void tasks.push(t) })
    const ctrs = [0, 1, 2, 3].map(ctr)
    const g = gaussian(7)
    const onsets = (raised: string[]) => raised.filter((r) => !raised.includes(`${Number(r.split(' ')[0]) - 1} ${r.split(' ')[1]}`))
    // A day of normal data (0.5 core, 200 MiB, iid noise): trained, retrained every 300 rows.
    run(det, tasks, ctrs, 0, DAY, g)
    expect(value(det.families(), 'odin_anomaly_model_trained', { detector: 'pod' })).toBe(1)
    // 6 more hours of normal data on 8 series: iid noise has tail events, so the engine's
    // documented false-alert rate (about 8 a day a series at 15 s, docs/anomaly.md) applies.
    const normal = onsets(run(det, tasks, ctrs, DAY, DAY / 4, g))
    console.log(`pod detector, normal data: ${normal.length} alerts in 8 series x 6 h`, normal)
    expect(normal.length / (8 / 4)).toBeLessThanOrEqual(10)
    // trainer-1 steps up from 0.5 to 3 cores: flagged on the step's first scored tick.
    const t = DAY + DAY / 4
    const step = onsets(run(det, tasks, ctrs, t, 40, g, () => void (ctrs[1]!.cpu += 2.5 * (STEP / 1000))))
    expect(step).toContain(`${t} trainer-1/cpu_usage_rate`)
    expect(step.filter((r) => r.includes('trainer-1/memory') || r.includes('trainer-2') || r.includes('trainer-3'))).toEqual([])
    // trainer-2's working set climbs by 8 MiB more each tick (a leak): flagged within 10 minutes.
    let climb = 0
    const leak = onsets(
      run(det, tasks, ctrs, t + 40, 40, g, () => {
        ctrs[1]!.cpu += 2.5 * (STEP / 1000)
        climb += 8 * MIB
        ctrs[2]!.ws += climb
      }),
    )
    expect(leak.some((r) => r.endsWith('trainer-2/memory_working_set'))).toBe(true)
    console.log('pod detector, anomalies:', step, leak)
  })

  it('derives the CPU rate between ticks and restarts it on a counter reset or a new cgroup', () => {
    const pick = (snap: SnapshotView) => picker.pick(snap)
    const picker = createPodPicker()
    const c = ctr(0)
    const at = (i: number) =>
      pick(snapshot(i, [c]))
        .filter((s) => s.labels.series === CPU_SERIES)
        .map((s) => s.value)
    c.cpu = 100
    expect(at(0)).toEqual([]) // no previous counter
    c.cpu = 107.5
    expect(at(1)).toEqual([0.5])
    c.cpu = 3 // reset (the runtime restarted the cgroup's counter)
    expect(at(2)).toEqual([])
    c.cpu = 18
    expect(at(3)).toEqual([1])
    c.id = '/kubepods/pod0/restarted'
    c.cpu = 30 // a new container counts from its own start: not a rate against the old one
    expect(at(4)).toEqual([])
    c.cpu = 45
    expect(at(6)).toEqual([0.5]) // a missed tick: the rate spans both intervals
    expect(pick(snapshot(7, [{ ...c, name: '' }]))).toEqual([]) // container="" (pod level) is not scored
  })

  it('caps at 2 series a container, counts the rest, and frees a vanished container slot after the grace period', () => {
    const tasks: (() => void)[] = []
    const det = createPodAnomalyDetector({ dataDir: '', log: recordingLog().log, schedule: (t) => void tasks.push(t), maxContainers: 2, dropAfterMs: 10 * STEP })
    const g = gaussian(3)
    const ctrs = [0, 1, 2].map(ctr)
    run(det, tasks, ctrs, 0, 3, g)
    const pods = () =>
      [
        ...new Set(
          det
            .families()
            .find((f) => f.name === 'odin_anomaly_score')!
            .samples.map((s) => s.labels.pod),
        ),
      ].sort()
    expect(pods()).toEqual(['trainer-0', 'trainer-1'])
    // 3 ticks without a slot for trainer-2: 2 series (score and flag each) a tick.
    expect(value(det.families(), 'odin_series_dropped_total', { collector: 'pod_anomaly' })).toBe(12)
    // trainer-0 goes away: within the grace period its slots stay held (a brief gap keeps the model).
    const left = [ctrs[1]!, ctrs[2]!]
    run(det, tasks, left, 3, 9, g)
    expect(pods()).toEqual(['trainer-1'])
    // After it, trainer-2 takes the freed slots.
    run(det, tasks, left, 12, 3, g)
    expect(pods()).toEqual(['trainer-1', 'trainer-2'])
  })

  it('keeps a model through a gap shorter than the grace period and drops it after a longer one', () => {
    let present = true
    const s = createSeriesAnomalyDetector({
      name: 't',
      maxSeries: 1,
      pick: (snap) => (present ? [{ key: 'k', labels: { series: 'k' }, value: 1 + (((snap.at - T0) / STEP) % 3) }] : []),
      dataDir: '',
      log: recordingLog().log,
      schedule: (t) => t(),
      dropAfterMs: 10 * STEP,
    })
    for (let i = 0; i < 400; i++) s.observe(snapshot(i, []))
    const model = s.manager.detectorOf('k')
    expect(model?.state.forest).not.toBeNull()
    present = false
    for (let i = 400; i < 408; i++) s.observe(snapshot(i, []))
    present = true
    s.observe(snapshot(408, [])) // 9 steps after the last: within the 10-step grace

    expect(s.manager.detectorOf('k')).toBe(model)
    present = false
    for (let i = 410; i < 420; i++) s.observe(snapshot(i, []))
    expect(s.tracked()).toBe(0)
    expect(s.manager.detectorOf('k')).toBeUndefined()
  })

  it('persists its models in anomaly-pod.model and continues exactly after a restart', async () => {
    const tasks: (() => void)[] = []
    const mk = (log = recordingLog().log) => createPodAnomalyDetector({ dataDir: dir, log, schedule: (t) => void tasks.push(t) })
    const a = mk()
    const ctrs = [0, 1].map(ctr)
    const g = gaussian(11)
    run(a, tasks, ctrs, 0, 400, g)
    await a.close?.()
    expect(readdirSync(dir)).toEqual(['anomaly-pod.model'])
    const file = loadModel(join(dir, 'anomaly-pod.model'))
    expect(file.ok && Object.keys((file.payload as { series: object }).series)).toHaveLength(4)
    const { log, lines } = recordingLog()
    const b = mk(log)
    expect(lines.filter((l) => l.startsWith('info anomaly models restored'))).toEqual(['info anomaly models restored {"detector":"pod","restored":4,"rejected":0}'])
    // Both continue on the same data: b's scores equal a's (its CPU rate needs one tick first).
    const scores = (d: Det) =>
      d
        .families()
        .find((f) => f.name === 'odin_anomaly_score')!
        .samples.map((s) => `${s.labels.pod}/${s.labels.series} ${s.value}`)
        .sort()
    const g2 = gaussian(12)
    for (let i = 400; i < 420; i++) {
      quiet(ctrs, g2)
      a.observe(snapshot(i, ctrs))
      b.observe(snapshot(i, ctrs))
      while (tasks.length > 0) tasks.shift()!()
      if (i > 400) expect(scores(b)).toEqual(scores(a))
    }
    expect(value(b.families(), 'odin_anomaly_model_trained', { detector: 'pod' })).toBe(1)
  })

  it('moves an unusable anomaly-pod.model aside and retrains', () => {
    writeFileSync(join(dir, 'anomaly-pod.model'), 'odin-anomaly-model 3 sha256=00 bytes=3\nabc')
    const tasks: (() => void)[] = []
    const { log, lines } = recordingLog()
    const det = createPodAnomalyDetector({ dataDir: dir, log, schedule: (t) => void tasks.push(t) })
    expect(lines.filter((l) => l.startsWith('warn anomaly model unusable, retraining') && l.includes('"detector":"pod"'))).toHaveLength(1)
    expect(existsSync(join(dir, 'anomaly-pod.model'))).toBe(false)
    run(det, tasks, [ctr(0)], 0, 200, gaussian(2))
    expect(value(det.families(), 'odin_anomaly_model_trained', { detector: 'pod' })).toBe(1)
  })

  it('is idle without container series: no family, no model file', async () => {
    const det = createPodAnomalyDetector({ dataDir: dir, log: recordingLog().log, schedule: () => {} })
    const node: MetricFamily = { name: 'node_load1', help: '', type: 'gauge', samples: [{ labels: {}, value: 1 }] }
    det.observe(snapshot(0, [], [node]))
    det.observe(snapshot(1, [], [node]))
    expect(det.families()).toEqual([])
    await det.close?.()
    expect(existsSync(join(dir, 'anomaly-pod.model'))).toBe(false)
  })
})

describe('pod anomaly detector: memory at the container cap', () => {
  it('holds at most 64 KiB a series and 16 MiB for 400 series (200 containers), trained on full windows', () => {
    const o = resolveOptions(POD_MODEL)
    const s = createSeriesAnomalyDetector({
      name: 'pod',
      maxSeries: 400,
      model: POD_MODEL,
      pick: createPodPicker().pick,
      dataDir: '',
      log: recordingLog().log,
      schedule: (t) => t(),
    })
    const ctrs = Array.from({ length: 200 }, (_, n) => ctr(n))
    const g = gaussian(5)
    // A full window and then some, so every forest is grown on a full 512-row sample.
    for (let i = 0; i < o.window + 60; i++) {
      quiet(ctrs, g)
      s.observe(snapshot(i, ctrs))
    }
    const keys = s.manager.status().map((st) => st.series)
    expect(keys).toHaveLength(400)
    const cache = o.scoreCacheSlots * (8 * o.features.length + 8 + 1)
    let total = 0
    let most = 0
    for (const k of keys) {
      const d = s.manager.detectorOf(k)!
      expect(d.state.forest).not.toBeNull()
      // The key is held by the manager's maps and the detector's own: 4 copies of the string.
      const bytes = structuralBytes(d.state) + cache + 4 * 2 * k.length
      total += bytes
      most = Math.max(most, bytes)
    }
    // The worst case: every forest at its most nodes (maxForestBytes), the fixed-size arrays
    // and scalars as measured (their sizes depend on the options only), the score cache, and
    // 4 copies of the longest key Kubernetes names allow.
    const d0 = s.manager.detectorOf(keys[0]!)!
    const fixed = structuralBytes(d0.state) - forestBytes(d0.state.forest!)
    for (const k of keys) {
      const d = s.manager.detectorOf(k)!
      expect(structuralBytes(d.state) - forestBytes(d.state.forest!)).toBe(fixed)
    }
    const bound = maxForestBytes(o.features.length, o.trees, o.sampleSize, o.maxDepth) + fixed + cache + 4 * 2 * POD_MAX_KEY_CHARS
    console.log(
      `pod detector state: ${total} B for 400 series (${(total / MIB).toFixed(2)} MiB), at most ${most} B a series; bound ${bound} B a series, ${400 * bound} B (${((400 * bound) / MIB).toFixed(2)} MiB) for 400`,
    )
    expect(most).toBeLessThanOrEqual(bound)
    expect(bound).toBeLessThanOrEqual(64 * 1024)
    expect(400 * bound).toBeLessThanOrEqual(16 * MIB)
    expect(total).toBeLessThanOrEqual(16 * MIB)
  }, 60_000)
})
