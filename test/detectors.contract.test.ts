import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { allCollectors } from '../src/collectors/index.ts'
import { parseAgentArgs } from '../src/config/config.ts'
import { createDiskFillForecaster } from '../src/detectors/disk-fill.ts'
import { createHostAnomalyDetector } from '../src/detectors/host-anomaly.ts'
import { allDetectors } from '../src/detectors/index.ts'
import { createPodAnomalyDetector } from '../src/detectors/pod-anomaly.ts'
import { runDetector } from '../src/detectors/run-detector.ts'
import { snapshotView, type Detector, type DetectorEntry, type SnapshotView } from '../src/detectors/types.ts'
import { silentLogger } from '../src/log/logger.ts'
import { undeclared } from '../src/metrics/declared.ts'
import type { MetricFamily, Sample } from '../src/metrics/types.ts'
import { mergeFamilies } from '../src/sampler/snapshot.ts'
import { gaussian } from './anomaly/synthetic.ts'
import { runIsolated } from './helpers/collect.ts'
import { declaredBy } from './helpers/detect.ts'

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const STEP = 15_000
const T0 = Date.UTC(2024, 3, 1)
/** Ticks fed: 50 minutes of 15 s ticks, past the disk-fill forecaster's 30 minutes of history. */
const TICKS = 200

const hostA = join(import.meta.dirname, 'fixtures', 'host-a')

/** What every collector exposes on the fixture host, merged as the sampler merges it. */
async function fixtureHost(): Promise<MetricFamily[]> {
  const roots = { procfs: join(hostA, 'proc'), sysfs: join(hostA, 'sys'), rootfs: join(hostA, 'root') }
  const outcomes = await Promise.all(allCollectors.filter((c) => c.defaultEnabled).map((c) => runIsolated(c, roots)))
  return mergeFamilies(outcomes.map((o) => o.families))
}

const gpuLabels = (g: number) => ({ gpu: String(g), UUID: `GPU-${g}`, device: `nvidia${g}`, modelName: 'NVIDIA H100 80GB HBM3', Hostname: 'host-a' })
const podLabels = (n: number) => ({ container: 'worker', id: `/kubepods/pod${n}/c${n}`, image: 'img', name: `c${n}`, namespace: 'ml', pod: `trainer-${n}` })

/**
 * Tick `i` of a host that lives: the fixture host's families with load, available memory and
 * free space moving (the root filesystem filling), two GPUs and two containers beside them
 * (the fixture host has neither, so their families are added in the collectors' shape).
 */
function tick(base: readonly MetricFamily[], i: number, g: () => number): SnapshotView {
  const moved = (f: MetricFamily, value: (s: Sample, k: number) => number): MetricFamily => ({ ...f, samples: f.samples.map((s, k) => ({ labels: s.labels, value: value(s, k) })) })
  const families = base.map((f) => {
    switch (f.name) {
      case 'node_load1':
        return moved(f, () => 1.5 + 0.05 * g())
      case 'node_memory_MemAvailable_bytes':
        return moved(f, (s) => s.value * (1 + 0.002 * g()))
      case 'node_filesystem_avail_bytes':
        return moved(f, (s, k) => (k === 0 ? Math.max(0, s.value - i * 50e6) : s.value))
      default:
        return f
    }
  })
  const gpu = (name: string, v: (gpu: number) => number): MetricFamily => ({ name, help: name, type: 'gauge', samples: [0, 1].map((n) => ({ labels: gpuLabels(n), value: v(n) })) })
  const pod = (name: string, type: MetricFamily['type'], v: (n: number) => number): MetricFamily => ({
    name,
    help: name,
    type,
    samples: [0, 1].map((n) => ({ labels: { ...podLabels(n), ...(type === 'counter' ? { cpu: 'total' } : {}) }, value: v(n) })),
  })
  families.push(
    gpu('DCGM_FI_DEV_GPU_TEMP', (n) => 60 + 5 * n + 0.3 * g()),
    gpu('DCGM_FI_DEV_POWER_USAGE', (n) => 300 + 20 * n + 2 * g()),
    pod('container_cpu_usage_seconds_total', 'counter', (n) => (0.5 + 0.1 * n) * 15 * i + 0.1 * Math.abs(g())),
    pod('container_memory_working_set_bytes', 'gauge', () => 200 * 2 ** 20 + 2 * 2 ** 20 * g()),
  )
  return snapshotView(T0 + i * STEP, families)
}

const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** Scheduled work (model training) runs after each tick here, as setImmediate runs it after the tick in the agent. */
const tasks: (() => void)[] = []
const schedule = (t: () => void) => void tasks.push(t)
/** A model that trains within the ticks fed: fewer rows before the first training, fewer trees. */
const quick = { minTrain: 60, retrainEvery: 60, trees: 10, sampleSize: 64, calibrationRows: 32 }

/**
 * Each entry's detector with the test hooks its own tests use (a schedule run after each tick,
 * a model that trains within TICKS). A detector added to the list must be added here.
 */
const made: Record<string, () => Detector> = {
  'detector.disk_fill': () => createDiskFillForecaster(),
  'detector.anomaly': () => createHostAnomalyDetector({ dataDir: '', log: silentLogger, schedule, detectorOptions: quick }),
  'detector.pod_anomaly': () => createPodAnomalyDetector({ dataDir: '', log: silentLogger, schedule, detectorOptions: quick }),
}

/** Every tick's problems against the entry's declarations, and the names it emitted at least once. */
function runTicks(entry: DetectorEntry, detector: Detector, base: readonly MetricFamily[], ticks: number) {
  const g = gaussian(7)
  const problems = new Set<string>()
  const emitted = new Set<string>()
  for (let i = 0; i < ticks; i++) {
    const outcome = runDetector(detector, tick(base, i, g), silentLogger)
    expect(outcome.success, outcome.error).toBe(true)
    while (tasks.length > 0) tasks.shift()!()
    for (const p of undeclared(entry, outcome.families)) problems.add(p)
    for (const f of outcome.families) emitted.add(f.name)
  }
  return { problems: [...problems], emitted }
}

describe.each(allDetectors.map((d) => [d.name, d] as const))('detector %s', (_name, entry) => {
  it('declares each of its families once, with a valid name, a type and HELP', () => {
    const names = entry.families.map((d) => d.name)
    expect(names.length).toBeGreaterThan(0)
    expect(new Set(names).size).toBe(names.length)
    for (const d of entry.families) {
      expect(d.name).toMatch(METRIC_NAME)
      expect(['counter', 'gauge', 'untyped']).toContain(d.type)
      expect(d.help.length).toBeGreaterThan(0)
      if (d.type === 'counter') expect(d.name).toMatch(/_total$/)
    }
  })

  it(`on ${TICKS} ticks of the fixture host, emits only what it declares, and every family it declares`, async () => {
    const make = made[entry.name]
    expect(make, `add ${entry.name} to the contract test's detectors`).toBeDefined()
    const { problems, emitted } = runTicks(entry, make!(), await fixtureHost(), TICKS)
    expect(problems).toEqual([])
    // Enough ticks that the models trained and a forecast appeared: each declaration is exercised.
    expect(entry.families.map((d) => d.name).filter((n) => !emitted.has(n))).toEqual([])
  })

  it('as its entry creates it for the agent, emits only what it declares', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'odin-detector-contract-'))
    dirs.push(dataDir)
    const { config } = parseAgentArgs([`--data-dir=${dataDir}`], [...allCollectors, ...allDetectors])
    const detector = entry.create({ config, log: silentLogger })
    const { problems } = runTicks(entry, detector, await fixtureHost(), 5)
    await detector.close?.()
    expect(problems).toEqual([])
  })
})

describe('family declarations across detectors and collectors', () => {
  it('a name two entries declare has one type and one HELP (odin_anomaly_* of host, gpu and pod; odin_series_dropped_total)', () => {
    const entries = [...allCollectors, ...allDetectors]
    const byName = new Map<string, { type: string; help: string; by: string }>()
    const clashes: string[] = []
    const shared = new Set<string>()
    for (const e of entries) {
      for (const d of e.families.filter((x) => !x.name.includes('*'))) {
        const seen = byName.get(d.name)
        if (seen) shared.add(d.name)
        if (seen && (seen.type !== d.type || seen.help !== d.help)) clashes.push(`${d.name}: ${seen.by} and ${e.name}`)
        byName.set(d.name, { type: d.type, help: d.help, by: seen?.by ?? e.name })
      }
    }
    // Known, as in node_exporter itself (test/collectors.contract.test.ts).
    expect(clashes).toEqual(['node_cpu_frequency_hertz: cpu and cpufreq'])
    expect([...shared]).toEqual(expect.arrayContaining(['odin_anomaly_score', 'odin_anomaly', 'odin_series_dropped_total']))
  })

  it('host, gpu and pod scores are one odin_anomaly_score family in the snapshot, with the declared HELP', async () => {
    const base = await fixtureHost()
    const g = gaussian(3)
    const host = made['detector.anomaly']!()
    const pod = made['detector.pod_anomaly']!()
    let families: MetricFamily[] = []
    for (let i = 0; i < 3; i++) {
      const view = tick(base, i, g)
      const rejected: string[] = []
      families = mergeFamilies([host.detect(view), pod.detect(view)], (r) => rejected.push(r.family))
      expect(rejected).toEqual([])
    }
    const score = families.find((f) => f.name === 'odin_anomaly_score')!
    expect(new Set(score.samples.map((s) => s.labels.detector))).toEqual(new Set(['host', 'gpu', 'pod']))
    expect(allDetectors.flatMap((d) => d.families).filter((d) => d.name === score.name)).toEqual([
      { name: score.name, type: score.type, help: score.help },
      { name: score.name, type: score.type, help: score.help },
    ])
  })
})

describe('declaredBy (test/helpers/detect.ts), which wraps the detectors of the detector tests', () => {
  const view = snapshotView(T0, [])
  const emitting = (family: MetricFamily): Detector => ({ name: 'disk_fill', detect: () => [family] })
  const eta = (help: string): MetricFamily => ({ name: 'odin_disk_fill_eta_seconds', type: 'gauge', help, samples: [{ labels: {}, value: 1 }] })

  it('passes what the entry declares', () => {
    const help = allDetectors.find((d) => d.name === 'detector.disk_fill')!.families[0]!.help
    expect(declaredBy('detector.disk_fill', emitting(eta(help))).detect(view)).toHaveLength(1)
  })

  it('refuses a family the entry does not declare, or declares with other HELP, on detect and on families()', () => {
    const stray: MetricFamily = { name: 'odin_disk_fill_rate', type: 'gauge', help: 'x', samples: [{ labels: {}, value: 1 }] }
    expect(() => declaredBy('detector.disk_fill', emitting(stray)).detect(view)).toThrow(/odin_disk_fill_rate, which it does not declare/)
    expect(() => declaredBy('detector.disk_fill', emitting(eta('other'))).detect(view)).toThrow(/with HELP "other"/)
    const observing = { ...emitting(stray), observe: () => {}, families: () => [stray] }
    expect(() => declaredBy('detector.disk_fill', observing).families()).toThrow(/does not declare/)
  })
})
