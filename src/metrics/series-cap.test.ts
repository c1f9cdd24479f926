import { describe, expect, it } from 'vitest'
import type { LogFields, Logger } from '../log/logger.ts'
import { Families } from './families.ts'
import { SnapshotRegistry } from './registry.ts'
import { DROPPED_FAMILY } from './dropped.ts'
import { SeriesCap, shedTier } from './series-cap.ts'
import type { MetricFamily } from './types.ts'

/** A node: `host` host series, pods with `perPod` container series each, the agent's health. */
function node(opts: { host: number; pods: number; perPod?: number; containerCounter?: number }): MetricFamily[] {
  const f = new Families()
  for (let i = 0; i < opts.host; i++) f.gauge('node_thing', 'h', i, { i: String(i) })
  for (let p = 0; p < opts.pods; p++) {
    const labels = { namespace: 'shop', pod: `app-${p}` }
    const per = opts.perPod ?? 4
    for (let k = 0; k < per - 1; k++) f.counter('container_cpu_usage_seconds_total', 'c', p, { ...labels, container: `c${k}`, cpu: 'total' })
    f.counter('odin_pod_oom_kills_total', 'o', 0, labels)
  }
  f.gauge('node_scrape_collector_success', 's', 1, { collector: 'cpu' })
  f.gauge('node_scrape_collector_success', 's', 1, { collector: 'containers' })
  f.gauge('process_open_fds', 'p', 10)
  if (opts.containerCounter !== undefined) f.counter(DROPPED_FAMILY, 'd', opts.containerCounter, { collector: 'containers' })
  return f.list()
}

const count = (fams: readonly MetricFamily[]) => fams.reduce((n, f) => n + f.samples.length, 0)
const samplesOf = (fams: readonly MetricFamily[], name: string) => fams.find((f) => f.name === name)?.samples ?? []
const dropped = (fams: readonly MetricFamily[], collector: string) => samplesOf(fams, DROPPED_FAMILY).find((s) => s.labels.collector === collector)?.value
const podsOf = (fams: readonly MetricFamily[]) => [...new Set(samplesOf(fams, 'container_cpu_usage_seconds_total').map((s) => s.labels.pod))]

function recorder(): Logger & { lines: { msg: string; fields?: LogFields }[] } {
  const lines: { msg: string; fields?: LogFields }[] = []
  const log = { lines, debug: () => {}, info: () => {}, error: () => {}, warn: (msg: string, fields?: LogFields) => void lines.push({ msg, fields }), child: () => log }
  return log
}

describe('shedTier', () => {
  it.each([
    ['container_cpu_usage_seconds_total', 2],
    ['container_network_receive_bytes_total', 2],
    ['odin_container_info', 2],
    ['odin_container_restarts_total', 2],
    ['odin_pod_oom_kills_total', 2],
    ['odin_containers', 0],
    ['odin_series_dropped_total', 0],
    ['node_scrape_collector_success', 0],
    ['process_resident_memory_bytes', 0],
    ['node_cpu_seconds_total', 1],
    ['DCGM_FI_DEV_GPU_TEMP', 1],
    ['namedprocess_namegroup_num_procs', 1],
    ['', 1],
  ])('%s is tier %i', (name, tier) => {
    expect(shedTier(name)).toBe(tier)
  })
})

describe('SeriesCap', () => {
  it('passes a snapshot under the cap through untouched (the same array)', () => {
    const fams = node({ host: 50, pods: 10 })
    expect(new SeriesCap(count(fams)).apply(fams)).toBe(fams)
    expect(new SeriesCap(0).apply(fams)).toBe(fams)
  })

  it('cuts whole pods, last first, keeping host and health series, and counts them', () => {
    const log = recorder()
    const fams = node({ host: 100, pods: 30, containerCounter: 7 }) // 100 + 120 + 3 health + 1 counter = 224
    const cap = new SeriesCap(200, log)
    const out = cap.apply(fams)
    expect(count(out)).toBeLessThanOrEqual(200)
    expect(samplesOf(out, 'node_thing')).toHaveLength(100)
    expect(samplesOf(out, 'node_scrape_collector_success')).toHaveLength(2)
    expect(samplesOf(out, 'process_open_fds')).toHaveLength(1)
    // 24 over: 6 pods of 4 series, the last six.
    expect(podsOf(out)).toEqual(Array.from({ length: 24 }, (_, p) => `app-${p}`))
    expect(samplesOf(out, 'odin_pod_oom_kills_total').map((s) => s.labels.pod)).toEqual(podsOf(out))
    expect(dropped(out, 'containers')).toBe(7 + 24)
    expect(count(out)).toBe(200)
    expect(log.lines).toHaveLength(1)
    expect(log.lines[0]?.fields).toMatchObject({ max: 200, series: 224, cut: 'containers=24' })
    // The input is not changed.
    expect(count(fams)).toBe(224)
  })

  it('cuts a pod detector score with its pod, and keeps the host and GPU scores', () => {
    const fams = node({ host: 100, pods: 30, containerCounter: 0 })
    const f = new Families()
    f.gauge('odin_anomaly_score', 's', 0.1, { detector: 'host', series: 'load1' })
    for (let p = 0; p < 30; p++) f.gauge('odin_anomaly_score', 's', 0.2, { detector: 'pod', namespace: 'shop', pod: `app-${p}`, container: 'c0', series: 'memory_working_set' })
    const all = [...fams, ...f.list()] // 100 + 120 + 3 health + 1 counter + 31 scores = 255
    const out = new SeriesCap(200).apply(all)
    expect(count(out)).toBeLessThanOrEqual(200)
    expect(samplesOf(out, 'node_thing')).toHaveLength(100)
    // 55 over: 11 pods of 5 series (4 container series and a score), the last eleven.
    expect(podsOf(out)).toEqual(Array.from({ length: 19 }, (_, p) => `app-${p}`))
    const scores = samplesOf(out, 'odin_anomaly_score')
    expect(scores.filter((s) => s.labels.detector === 'pod').map((s) => s.labels.pod)).toEqual(podsOf(out))
    expect(scores.filter((s) => s.labels.detector === 'host')).toHaveLength(1)
    expect(dropped(out, 'containers')).toBe(55)
  })

  it("cuts a pod's namedprocess group series (odin_namegroup_pod_processes) with its pod, not as agent health", () => {
    expect(shedTier('odin_namegroup_pod_processes')).toBe(2)
    const fams = node({ host: 100, pods: 30, containerCounter: 0 })
    const f = new Families()
    for (let p = 0; p < 30; p++) f.gauge('odin_namegroup_pod_processes', 'g', 1, { groupname: 'nginx', namespace: 'shop', pod: `app-${p}`, container: 'c0' })
    const out = new SeriesCap(200).apply([...fams, ...f.list()]) // 254: 54 over, 11 pods of 5
    expect(count(out)).toBeLessThanOrEqual(200)
    expect(samplesOf(out, 'node_thing')).toHaveLength(100)
    expect(samplesOf(out, 'odin_namegroup_pod_processes').map((s) => s.labels.pod)).toEqual(podsOf(out))
  })

  it('is deterministic and counts per snapshot; the counter stays once the node fits again', () => {
    const log = recorder()
    const cap = new SeriesCap(200, log)
    const a = cap.apply(node({ host: 100, pods: 30, containerCounter: 0 }))
    const b = cap.apply(node({ host: 100, pods: 30, containerCounter: 0 }))
    expect(podsOf(b)).toEqual(podsOf(a))
    expect(dropped(b, 'containers')).toBe(48)
    const small = cap.apply(node({ host: 10, pods: 2 }))
    expect(dropped(small, 'containers')).toBe(48)
    expect(podsOf(small)).toEqual(['app-0', 'app-1'])
    expect(log.lines).toHaveLength(1)
  })

  it('counts the counter sample it adds against the cap', () => {
    // 100 host + 40 container + 3 health = 143, no counter yet; cap 139: 4 over plus the new counter sample.
    const out = new SeriesCap(139).apply(node({ host: 100, pods: 10 }))
    expect(count(out)).toBeLessThanOrEqual(139)
    expect(podsOf(out)).toHaveLength(8)
    expect(dropped(out, 'containers')).toBe(8)
  })

  it('cuts host series from the end once no container is left, naming their collector', () => {
    const f = new Families()
    for (let i = 0; i < 150; i++) f.gauge('node_a', 'a', i, { i: String(i) })
    for (let i = 0; i < 50; i++) f.gauge('node_b', 'b', i, { i: String(i) })
    f.gauge('odin_agent_build_info', 'i', 1)
    const owners: Record<string, string> = { node_a: 'netdev', node_b: 'hwmon' }
    const out = new SeriesCap(120).apply(f.list(), (name) => owners[name])
    expect(count(out)).toBe(120)
    expect(samplesOf(out, 'node_b')).toHaveLength(0)
    expect(out.some((x) => x.name === 'node_b')).toBe(false)
    expect(samplesOf(out, 'node_a').map((s) => s.value)).toEqual(Array.from({ length: 117 }, (_, i) => i))
    expect(samplesOf(out, 'odin_agent_build_info')).toHaveLength(1)
    expect(dropped(out, 'hwmon')).toBe(50)
    expect(dropped(out, 'netdev')).toBe(33)
  })

  it('cuts the health series last and never the counter itself', () => {
    const f = new Families()
    for (let i = 0; i < 10; i++) f.gauge('node_a', 'a', i, { i: String(i) })
    for (let i = 0; i < 300; i++) f.gauge('node_scrape_collector_success', 's', 1, { collector: `c${i}` })
    const out = new SeriesCap(100).apply(f.list())
    expect(count(out)).toBe(100)
    expect(samplesOf(out, 'node_a')).toHaveLength(0)
    expect(samplesOf(out, 'node_scrape_collector_success')).toHaveLength(99)
    expect(dropped(out, 'agent')).toBe(211)
  })

  it.each([
    [1, 0, 100],
    [500, 0, 400],
    [0, 200, 150],
    [300, 120, 4000],
    [1000, 1000, 1500],
  ])('host %i and %i pods under cap %i: never more than the cap', (host, pods, max) => {
    const cap = new SeriesCap(max)
    for (let tick = 0; tick < 3; tick++) {
      const out = cap.apply(node({ host, pods, perPod: 3 + (tick % 2), containerCounter: tick }))
      expect(count(out)).toBeLessThanOrEqual(max)
      const names = out.map((f) => f.name)
      expect(new Set(names).size).toBe(names.length)
      const counter = samplesOf(out, DROPPED_FAMILY).map((s) => s.labels.collector)
      expect(new Set(counter).size).toBe(counter.length)
    }
  })

  it('applies in SnapshotRegistry.update after duplicate families are merged', async () => {
    const reg = new SnapshotRegistry(undefined, new SeriesCap(150))
    const fams = node({ host: 100, pods: 20 }) // 183, 34 over with the counter: 9 pods of 4
    reg.update([...fams, ...fams])
    const text = await reg.metrics()
    expect(text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))).toHaveLength(148)
    expect(text).toContain(`${DROPPED_FAMILY}{collector="containers"} 36`)
  })
})
