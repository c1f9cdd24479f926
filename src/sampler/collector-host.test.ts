import { describe, expect, it } from 'vitest'
import type { Collector } from '../collectors/types.ts'
import { NoDataError } from '../collectors/types.ts'
import { silentLogger } from '../log/logger.ts'
import { Families } from '../metrics/families.ts'
import type { HostFS } from '../platform/host-fs.ts'
import { createHostFS } from '../platform/host-fs.ts'
import { createCollectorHost } from './collector-host.ts'
import type { HostReply } from './collector-host.ts'

const gauge = (name: string, value: number) => {
  const f = new Families()
  f.gauge(name, name, value)
  return f.list()
}

function setup(collectors: Collector[]) {
  const replies: HostReply[] = []
  let endTicks = 0
  let afterTicks = 0
  const base = createHostFS({ procfs: '/nonexistent/proc', sysfs: '/nonexistent/sys', rootfs: '/nonexistent/root' })
  const fs: HostFS = { ...base, endTick: () => endTicks++ }
  const blocked = new Set(['/proc/loadavg'])
  const host = createCollectorHost({
    collectors,
    fs,
    exec: async () => {
      throw new Error('no exec here')
    },
    log: silentLogger,
    blocked,
    post: (r) => replies.push(r),
    afterTick: () => afterTicks++,
  })
  return { host, replies, blocked, ticks: () => ({ endTicks, afterTicks }) }
}

const settle = () => new Promise((r) => setTimeout(r, 0))

describe('collector host (the worker side)', () => {
  it('carries what a collector published beside its families (the status page reads it on the serving thread)', async () => {
    const active = [{ rule: 'miner_stratum_url', cmdline: 'xmrig --pass=***' }]
    const { host, replies } = setup([
      {
        name: 'detector.threats',
        collect: async (ctx) => {
          ctx.publish?.(active)
          return gauge('odin_x', 1)
        },
      },
      { name: 'quiet', collect: async () => gauge('node_q', 1) },
    ])
    host({ type: 'run', id: 1, collector: 'detector.threats' })
    host({ type: 'run', id: 2, collector: 'quiet' })
    await settle()
    expect(replies).toEqual([
      { type: 'done', id: 1, families: gauge('odin_x', 1), published: active },
      { type: 'done', id: 2, families: gauge('node_q', 1) },
    ])
  })

  it('answers each run with the families, the error, or no data', async () => {
    const { host, replies } = setup([
      { name: 'ok', collect: async () => gauge('node_ok', 1) },
      {
        name: 'broken',
        collect: async () => {
          throw new Error("couldn't read /proc/x: EIO")
        },
      },
      {
        name: 'absent',
        collect: async () => {
          throw new NoDataError('no psi')
        },
      },
    ])
    host({ type: 'run', id: 1, collector: 'ok' })
    host({ type: 'run', id: 2, collector: 'broken' })
    host({ type: 'run', id: 3, collector: 'absent' })
    host({ type: 'run', id: 4, collector: 'missing' })
    await settle()
    expect(replies).toEqual([
      { type: 'failed', id: 4, error: 'no collector named missing in this worker', noData: false },
      { type: 'done', id: 1, families: gauge('node_ok', 1) },
      { type: 'failed', id: 2, error: "couldn't read /proc/x: EIO", noData: false },
      { type: 'failed', id: 3, error: 'no psi', noData: true },
    ])
  })

  it('shares one load per tick between collectors, a fresh one after endTick', async () => {
    let loads = 0
    const user = (name: string): Collector => ({
      name,
      collect: async (ctx) => gauge(`node_${name}`, await ctx.shared('walk', async () => ++loads)),
    })
    const { host, replies, ticks } = setup([user('a'), user('b')])
    host({ type: 'run', id: 1, collector: 'a' })
    host({ type: 'run', id: 2, collector: 'b' })
    await settle()
    expect(loads).toBe(1)
    host({ type: 'endTick' })
    expect(ticks()).toEqual({ endTicks: 1, afterTicks: 1 })
    host({ type: 'run', id: 3, collector: 'a' })
    await settle()
    expect(loads).toBe(2)
    expect(replies.map((r) => (r.type === 'done' ? r.families[0]?.samples[0]?.value : r.type === 'failed' ? r.error : r.type))).toEqual([1, 1, 2])
  })

  it('aborts the signal of the run an abort names', async () => {
    let signal: AbortSignal | undefined
    const { host, replies } = setup([
      {
        name: 'slow',
        collect: (ctx) =>
          new Promise((_, reject) => {
            signal = ctx.signal
            ctx.signal.addEventListener('abort', () => reject(new Error('aborted')))
          }),
      },
    ])
    host({ type: 'run', id: 7, collector: 'slow' })
    await settle()
    expect(signal?.aborted).toBe(false)
    host({ type: 'abort', id: 99 })
    expect(signal?.aborted).toBe(false)
    host({ type: 'abort', id: 7 })
    await settle()
    expect(signal?.aborted).toBe(true)
    expect(replies).toEqual([{ type: 'failed', id: 7, error: 'aborted', noData: false }])
  })

  it('unblock lets a path be read again', () => {
    const { host, blocked } = setup([])
    host({ type: 'unblock', path: '/proc/other' })
    expect([...blocked]).toEqual(['/proc/loadavg'])
    host({ type: 'unblock', path: '/proc/loadavg' })
    expect(blocked.size).toBe(0)
  })

  it('closes every collector on a close request, one failing close not stopping the others, then answers closed', async () => {
    const closed: string[] = []
    const { host, replies } = setup([
      { name: 'gpu', collect: async () => [], close: async () => void closed.push('gpu') },
      {
        name: 'bad',
        collect: async () => [],
        close: () => {
          throw new Error('EBADF')
        },
      },
      { name: 'plain', collect: async () => [] },
      { name: 'gpu_xid', collect: async () => [], close: () => void closed.push('gpu_xid') },
    ])
    host({ type: 'close' })
    await settle()
    expect(closed.sort()).toEqual(['gpu', 'gpu_xid'])
    expect(replies).toEqual([{ type: 'closed' }])
  })
})
