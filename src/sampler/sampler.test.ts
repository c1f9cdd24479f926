import { describe, expect, it } from 'vitest'
import { parseAgentArgs } from '../config/config.ts'
import type { Collector } from '../collectors/types.ts'
import { silentLogger } from '../log/logger.ts'
import { Families } from '../metrics/families.ts'
import { createHostFS } from '../platform/host-fs.ts'
import { execFileNoShell } from '../platform/exec.ts'
import { NO_DATA_RECHECK_TICKS, NO_DATA_STREAK, Sampler } from './sampler.ts'
import { NoDataError } from '../collectors/types.ts'
import type { Detector } from '../detectors/types.ts'

function sampler(collectors: Collector[], fs = createHostFS({ procfs: '/x', sysfs: '/x', rootfs: '/x' })) {
  const { config } = parseAgentArgs(['--collector.timeout=200ms'], [])
  return new Sampler({
    collectors,
    config,
    fs,
    exec: execFileNoShell,
    log: silentLogger,
    now: () => 1000,
  })
}

describe('Sampler', () => {
  it('refuses a textfile series that repeats a collected one, and a family of another type, counting and logging each', async () => {
    const gauges = (name: string, samples: [Record<string, string>, number][], type: 'gauge' | 'counter' = 'gauge') => {
      const f = new Families()
      for (const [labels, v] of samples) {
        if (type === 'gauge') f.gauge(name, `${name} help`, v, labels)
        else f.counter(name, `${name} help`, v, labels)
      }
      return f.list()
    }
    const loadavg: Collector = { name: 'loadavg', collect: async () => gauges('node_load1', [[{}, 0.5]]) }
    const textfile: Collector = {
      name: 'textfile',
      collect: async () => [
        ...gauges('node_load1', [
          [{}, 99],
          [{ source: 'cron' }, 1],
        ]),
        ...gauges('node_good', [[{}, 1]], 'counter'),
      ],
    }
    const good: Collector = { name: 'good', collect: async () => gauges('node_good', [[{}, 1]]) }
    const warnings: string[] = []
    const { config } = parseAgentArgs(['--collector.timeout=200ms'], [])
    const log = { ...silentLogger, warn: (m: string) => void warnings.push(m), child: () => log }
    const s = new Sampler({
      collectors: [good, loadavg, textfile],
      config,
      fs: createHostFS({ procfs: '/x', sysfs: '/x', rootfs: '/x' }),
      exec: execFileNoShell,
      log,
      now: () => 1000,
    })
    const first = await s.tick()
    const load1 = first.families.filter((f) => f.name === 'node_load1')
    expect(load1).toHaveLength(1)
    expect(load1[0]?.samples).toEqual([
      { labels: {}, value: 0.5 },
      { labels: { source: 'cron' }, value: 1 },
    ])
    expect(first.families.find((f) => f.name === 'node_good')).toMatchObject({ type: 'gauge', samples: [{ labels: {}, value: 1 }] })
    expect(warnings).toHaveLength(2)
    const second = await s.tick()
    expect(warnings).toHaveLength(2) // logged once per source, family and reason
    expect(second.families.find((f) => f.name === 'odin_scrape_collisions_total')?.samples).toEqual([{ labels: { collector: 'textfile' }, value: 2 }])
  })

  it('ends the host files tick once every collector of the tick has read', async () => {
    const events: string[] = []
    const base = createHostFS({ procfs: '/x', sysfs: '/x', rootfs: '/x' })
    const fs = { ...base, endTick: () => void events.push('endTick') }
    const reader: Collector = {
      name: 'reader',
      collect: async () => {
        events.push('read')
        return []
      },
    }
    const s = sampler([reader, { ...reader, name: 'reader2' }], fs)
    await s.tick()
    await s.tick()
    expect(events).toEqual(['read', 'read', 'endTick', 'read', 'read', 'endTick'])
  })

  it('isolates a failing collector: the others are served, success 0 for it alone', async () => {
    const good: Collector = {
      name: 'good',
      collect: async () => {
        const f = new Families()
        f.gauge('node_good', 'g', 1)
        return f.list()
      },
    }
    const bad: Collector = {
      name: 'bad',
      collect: async () => {
        throw new Error('nope')
      },
    }
    const snap = await sampler([good, bad]).tick()
    const success = snap.families.find((f) => f.name === 'node_scrape_collector_success')
    expect(success?.samples).toEqual([
      { labels: { collector: 'good' }, value: 1 },
      { labels: { collector: 'bad' }, value: 0 },
    ])
    expect(snap.families.some((f) => f.name === 'node_good')).toBe(true)
    expect(Object.isFrozen(snap)).toBe(true)
  })

  it("reports every collector under node_exporter's self-metric names and HELP (Node Exporter Full's scrape panels)", async () => {
    const good: Collector = { name: 'loadavg', collect: async () => [] }
    const snap = await sampler([good, { ...good, name: 'detector.threats' }]).tick()
    const family = (name: string) => snap.families.find((f) => f.name === name)
    expect(family('node_scrape_collector_success')).toMatchObject({ type: 'gauge', help: 'node_exporter: Whether a collector succeeded.' })
    expect(family('node_scrape_collector_duration_seconds')).toMatchObject({ type: 'gauge', help: 'node_exporter: Duration of a collector scrape.' })
    // detector.threats reports as a detector (odin_detector_*), not as a collector.
    expect(family('node_scrape_collector_duration_seconds')?.samples.map((s) => s.labels.collector)).toEqual(['loadavg'])
    expect(snap.families.filter((f) => f.name.startsWith('odin_scrape_collector_'))).toEqual([])
  })

  it("runs detectors after the collectors on a view of their families, isolated, keeping a failing one's last success; a detector family of a collected name and another type is refused", async () => {
    const good: Collector = {
      name: 'good',
      collect: async () => {
        const f = new Families()
        f.gauge('node_good', 'g', 3)
        return f.list()
      },
    }
    let fail = false
    const seen: (number | undefined)[] = []
    const tripler: Detector = {
      name: 'tripler',
      detect(view) {
        if (fail) throw new Error('broken model')
        const v = view.family('node_good')?.samples[0]?.value
        seen.push(v, view.family('odin_tripled') === undefined ? 0 : 1)
        const f = new Families()
        f.gauge('odin_tripled', 't', 3 * (v ?? 0))
        return f.list()
      },
    }
    const clash: Detector = {
      name: 'clash',
      detect: () => {
        const f = new Families()
        f.counter('node_good', 'c', 1)
        return f.list()
      },
    }
    let t = 1000
    const { config } = parseAgentArgs([], [])
    const s = new Sampler({
      collectors: [good],
      detectors: [tripler, clash],
      config,
      fs: createHostFS({ procfs: '/x', sysfs: '/x', rootfs: '/x' }),
      exec: execFileNoShell,
      log: silentLogger,
      now: () => t,
    })
    const first = await s.tick()
    expect(seen).toEqual([3, 0]) // the collected value; never a detector's own output
    expect(first.families.find((f) => f.name === 'odin_tripled')?.samples).toEqual([{ labels: {}, value: 9 }])
    expect(first.families.filter((f) => f.name === 'node_good')).toEqual([{ name: 'node_good', help: 'g', type: 'gauge', samples: [{ labels: {}, value: 3 }] }])
    expect(first.health.detectors.get('tripler')).toMatchObject({ success: true, lastSuccessAt: 1000, lastError: null })
    expect(first.families.find((f) => f.name === 'odin_detector_success')?.samples).toEqual([
      { labels: { detector: 'tripler' }, value: 1 },
      { labels: { detector: 'clash' }, value: 1 },
    ])
    fail = true
    t = 2000
    const second = await s.tick()
    expect(second.families.some((f) => f.name === 'odin_tripled')).toBe(false)
    expect(second.families.some((f) => f.name === 'node_good')).toBe(true)
    expect(second.health.detectors.get('tripler')).toMatchObject({ success: false, lastSuccessAt: 1000, lastError: 'broken model' })
    expect(second.families.find((f) => f.name === 'odin_detector_success')?.samples).toContainEqual({ labels: { detector: 'tripler' }, value: 0 })
    expect(second.families.find((f) => f.name === 'odin_scrape_collisions_total')?.samples).toEqual([{ labels: { collector: 'clash' }, value: 1 }])
    // The first snapshot is untouched by the second tick.
    expect(first.health.detectors.get('tripler')).toMatchObject({ success: true })
  })

  it('drops label sets that vanish from the source', async () => {
    let devices = ['a', 'b']
    const c: Collector = {
      name: 'dev',
      collect: async () => {
        const f = new Families()
        for (const d of devices) {
          f.gauge('node_dev', 'd', 1, { device: d })
        }
        return f.list()
      },
    }
    const s = sampler([c])
    const first = await s.tick()
    devices = ['a']
    const second = await s.tick()
    const labelsIn = (snap: typeof first) => snap.families.find((f) => f.name === 'node_dev')?.samples.map((x) => x.labels.device)
    expect(labelsIn(first)).toEqual(['a', 'b'])
    expect(labelsIn(second)).toEqual(['a'])
    expect(second.seq).toBe(first.seq + 1)
  })

  it('a hung collector costs one deadline per tick, not a growing queue', async () => {
    const hung: Collector = { name: 'hung', collect: () => new Promise(() => {}) }
    const s = sampler([hung])
    const t0 = performance.now()
    await s.tick()
    await s.tick()
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(s.collectorHealth().get('hung')).toMatchObject({ success: false, lastSuccessAt: null })
    expect(s.collectorHealth().get('hung')?.lastError).toMatch(/previous run still in progress/)
  })

  it('stops running a collector whose source stays absent, rechecks it, and resumes when it appears', async () => {
    let runs = 0
    let present = false
    const gpu: Collector = {
      name: 'gpu',
      collect: async () => {
        runs++
        if (!present) {
          throw new NoDataError('nvidia-smi not found at /usr/bin/nvidia-smi')
        }
        const f = new Families()
        f.gauge('DCGM_FI_DEV_GPU_TEMP', 't', 40)
        return f.list()
      },
    }
    const s = sampler([gpu])
    const successOf = (snap: Awaited<ReturnType<Sampler['tick']>>) => snap.families.find((f) => f.name === 'node_scrape_collector_success')?.samples[0]?.value
    for (let i = 0; i < NO_DATA_STREAK + NO_DATA_RECHECK_TICKS; i++) {
      expect(successOf(await s.tick())).toBe(0)
    }
    expect(runs).toBe(NO_DATA_STREAK)
    expect(s.collectorHealth().get('gpu')?.lastError).toMatch(/nvidia-smi not found/)
    expect(s.latest()?.outcomes.get('gpu')).toMatchObject({ success: false, noData: true })
    // The recheck runs it again; still absent, so it is skipped for another round.
    await s.tick()
    expect(runs).toBe(NO_DATA_STREAK + 1)
    present = true
    for (let i = 0; i < NO_DATA_RECHECK_TICKS; i++) {
      await s.tick()
    }
    const snap = await s.tick()
    expect(runs).toBe(NO_DATA_STREAK + 2)
    expect(successOf(snap)).toBe(1)
    expect(snap.families.some((f) => f.name === 'DCGM_FI_DEV_GPU_TEMP')).toBe(true)
  })

  it('a failure that is not NoDataError never stops a collector from running', async () => {
    let runs = 0
    const bad: Collector = {
      name: 'bad',
      collect: async () => {
        runs++
        throw new Error('EACCES')
      },
    }
    const s = sampler([bad])
    for (let i = 0; i < NO_DATA_STREAK + 5; i++) {
      await s.tick()
    }
    expect(runs).toBe(NO_DATA_STREAK + 5)
  })
})
