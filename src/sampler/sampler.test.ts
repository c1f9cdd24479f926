import { describe, expect, it } from 'vitest'
import { parseAgentArgs } from '../config/config.ts'
import type { Collector } from '../collectors/types.ts'
import { silentLogger } from '../log/logger.ts'
import { Families } from '../metrics/families.ts'
import { createHostFS } from '../platform/host-fs.ts'
import { execFileNoShell } from '../platform/exec.ts'
import { Sampler } from './sampler.ts'

function sampler(collectors: Collector[]) {
  const { config } = parseAgentArgs(['--collector.timeout=200ms'], collectors)
  return new Sampler({
    collectors,
    config,
    fs: createHostFS({ procfs: '/x', sysfs: '/x', rootfs: '/x' }),
    exec: execFileNoShell,
    log: silentLogger,
    now: () => 1000,
  })
}

describe('Sampler', () => {
  it('isolates a failing collector: the others are served, success 0 for it alone', async () => {
    const good: Collector = { name: 'good', defaultEnabled: true, help: '', collect: async () => { const f = new Families(); f.gauge('node_good', 'g', 1); return f.list() } }
    const bad: Collector = { name: 'bad', defaultEnabled: true, help: '', collect: async () => { throw new Error('nope') } }
    const snap = await sampler([good, bad]).tick()
    const success = snap.families.find((f) => f.name === 'odin_scrape_collector_success')
    expect(success?.samples).toEqual([
      { labels: { collector: 'good' }, value: 1 },
      { labels: { collector: 'bad' }, value: 0 },
    ])
    expect(snap.families.some((f) => f.name === 'node_good')).toBe(true)
    expect(Object.isFrozen(snap)).toBe(true)
  })

  it('drops label sets that vanish from the source', async () => {
    let devices = ['a', 'b']
    const c: Collector = {
      name: 'dev',
      defaultEnabled: true,
      help: '',
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
    const hung: Collector = { name: 'hung', defaultEnabled: true, help: '', collect: () => new Promise(() => {}) }
    const s = sampler([hung])
    const t0 = performance.now()
    await s.tick()
    await s.tick()
    expect(performance.now() - t0).toBeLessThan(1000)
    expect(s.collectorHealth().get('hung')).toMatchObject({ success: false, lastSuccessAt: null })
    expect(s.collectorHealth().get('hung')?.lastError).toMatch(/previous run still in progress/)
  })
})
