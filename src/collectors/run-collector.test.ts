import { describe, expect, it } from 'vitest'
import { contextFor } from '../../test/helpers/collect.ts'
import { Families } from '../metrics/families.ts'
import { runCollector } from './run-collector.ts'
import { NoDataError } from './types.ts'
import type { Collector } from './types.ts'

const ok: Collector = {
  name: 'ok',
  collect: async () => {
    const f = new Families()
    f.gauge('node_ok', 'ok', 1)
    return f.list()
  },
}
const broken: Collector = {
  name: 'broken',
  collect: async () => {
    throw new Error('boom')
  },
}
const absent: Collector = {
  name: 'absent',
  collect: async () => {
    throw new NoDataError('no psi')
  },
}

describe('runCollector', () => {
  it('returns the families of a collector that succeeds', async () => {
    const o = await runCollector(ok, (s) => contextFor(ok, {}, s), 1000)
    expect(o.success).toBe(true)
    expect(o.families.map((f) => f.name)).toEqual(['node_ok'])
    expect(o.durationSeconds).toBeGreaterThanOrEqual(0)
  })

  it('turns a thrown error into success 0 with the message kept', async () => {
    const o = await runCollector(broken, (s) => contextFor(broken, {}, s), 1000)
    expect(o).toMatchObject({ success: false, noData: false, error: 'boom', families: [] })
  })

  it('marks NoDataError as no data, not a failure to alarm on', async () => {
    const logged: string[] = []
    const log = {
      debug: (m: string) => logged.push(`debug ${m}`),
      info() {},
      warn() {},
      error: (m: string) => logged.push(`error ${m}`),
      child() {
        return this
      },
    }
    const o = await runCollector(absent, (s) => contextFor(absent, { log }, s), 1000)
    expect(o).toMatchObject({ success: false, noData: true })
    expect(logged).toEqual(['debug collector returned no data'])
  })

  it('aborts a collector at its deadline and refuses to pile up runs', async () => {
    let aborted = false
    let release: () => void = () => {}
    const hung: Collector = {
      name: 'hung',
      collect: (ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = true
          })
          release = () => resolve([])
        }),
    }
    const inflight = new Set<string>()
    const first = await runCollector(hung, (s) => contextFor(hung, {}, s), 50, inflight)
    expect(first.success).toBe(false)
    expect(first.error).toMatch(/timed out after 50 ms/)
    expect(aborted).toBe(true)
    const second = await runCollector(hung, (s) => contextFor(hung, {}, s), 50, inflight)
    expect(second.error).toMatch(/previous run still in progress/)
    release()
    await new Promise((r) => setTimeout(r, 0))
    expect(inflight.size).toBe(0)
  })
})
