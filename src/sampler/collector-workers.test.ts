import { EventEmitter } from 'node:events'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { runCollector } from '../collectors/run-collector.ts'
import type { Collector } from '../collectors/types.ts'
import { NoDataError } from '../collectors/types.ts'
import type { Logger } from '../log/logger.ts'
import { createSharedReadGuard } from '../platform/read-guard.ts'
import type { ReadGuard } from '../platform/read-guard.ts'
import { contextFor } from '../../test/helpers/collect.ts'
import type { HostReply, HostRequest } from './collector-host.ts'
import { CLOSE_WAIT_MS, startCollectorWorkers, stuckReadMs } from './collector-workers.ts'
import type { WorkerLike, WorkerStart } from './collector-workers.ts'
import { AGENT_FAMILIES } from '../agent.ts'
import { undeclared } from '../metrics/declared.ts'

/** A worker that records what it is asked and answers only when the test says. */
class FakeWorker extends EventEmitter implements WorkerLike {
  readonly requests: HostRequest[] = []
  readonly guard: ReadGuard
  terminated = false
  batches = 0
  constructor(readonly start: WorkerStart) {
    super()
    this.guard = createSharedReadGuard(start.guard, new Set(start.blocked))
  }
  postMessage(batch: readonly HostRequest[]): void {
    this.batches++
    this.requests.push(...batch)
  }
  terminate(): Promise<number> {
    this.terminated = true
    return Promise.resolve(1)
  }
  reply(r: HostReply): void {
    this.emit('message', [r])
  }
  runs(): number[] {
    return this.requests.flatMap((r) => (r.type === 'run' ? [r.id] : []))
  }
}

const collector = (name: string): Collector => ({ name, timeoutMs: 5000, collect: async () => [] })

function setup(maxAbandoned = 2) {
  const workers: FakeWorker[] = []
  const logged: string[] = []
  const log: Logger = {
    debug: () => {},
    info: (m) => logged.push(`info ${m}`),
    warn: (m, f) => logged.push(`warn ${m} ${String(f?.path)}`),
    error: (m) => logged.push(`error ${m}`),
    child() {
      return this
    },
  }
  const pool = startCollectorWorkers({
    collectors: [collector('loadavg'), collector('cpu')],
    spawn: (start) => {
      const w = new FakeWorker(start)
      workers.push(w)
      return w
    },
    log,
    stuckAfterMs: 1000,
    maxAbandoned,
  })
  const [loadavg, cpu] = pool.collectors as [Collector, Collector]
  const ctx = (c: Collector, signal = new AbortController().signal) => contextFor(c, {}, signal)
  return { pool, workers, logged, loadavg, cpu, ctx }
}

describe('stuckReadMs', () => {
  it.each([
    [10_000, 5000],
    [2000, 1000],
    [60_000, 5000],
    [50, 100],
  ])('collector timeout %d ms -> a read counts as stuck after %d ms', (timeout, stuck) => {
    expect(stuckReadMs(timeout)).toBe(stuck)
  })
})

describe('collector workers (the serving side)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  it('stand-ins keep the name and deadline, and return what the worker answers', async () => {
    const { workers, loadavg, cpu, ctx } = setup()
    expect([loadavg.name, loadavg.timeoutMs]).toEqual(['loadavg', 5000])
    const a = loadavg.collect(ctx(loadavg))
    const b = cpu.collect(ctx(cpu))
    const w = workers[0]!
    expect(w.requests).toEqual([])
    await Promise.resolve()
    expect(w.batches).toBe(1)
    expect(w.requests).toEqual([
      { type: 'run', id: 1, collector: 'loadavg' },
      { type: 'run', id: 2, collector: 'cpu' },
    ])
    w.reply({ type: 'failed', id: 2, error: 'no psi', noData: true })
    w.reply({ type: 'done', id: 1, families: [{ name: 'node_load1', help: 'h', type: 'gauge', samples: [{ labels: {}, value: 0.5 }] }] })
    await expect(a).resolves.toEqual([{ name: 'node_load1', help: 'h', type: 'gauge', samples: [{ labels: {}, value: 0.5 }] }])
    await expect(b).rejects.toBeInstanceOf(NoDataError)
  })

  it('a run past its deadline is aborted on the worker', async () => {
    const { workers, loadavg } = setup()
    // The stand-in keeps the collector's own deadline (5 s here) over the default.
    const run = runCollector(loadavg, (s) => contextFor(loadavg, {}, s), 300)
    await vi.advanceTimersByTimeAsync(5000)
    expect((await run).error).toMatch(/timed out after 5000 ms/)
    expect(workers[0]!.requests).toContainEqual({ type: 'abort', id: 1 })
  })

  it('abandons a worker stuck in a read, replaces it, and runs its pending work on the new one with the path refused', async () => {
    const { pool, workers, logged, loadavg, cpu, ctx } = setup()
    const a = loadavg.collect(ctx(loadavg))
    const b = cpu.collect(ctx(cpu))
    const stuck = workers[0]!
    stuck.guard.enter('/fixture/proc/loadavg') // and never leaves
    await vi.advanceTimersByTimeAsync(900)
    expect(workers).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(400)
    expect(workers).toHaveLength(2)
    expect(stuck.terminated).toBe(true)
    const fresh = workers[1]!
    expect(fresh.start.blocked).toEqual(['/fixture/proc/loadavg'])
    expect(fresh.runs()).toEqual([1, 2])
    expect(logged).toContain('warn read blocked in the kernel: collector worker abandoned and replaced /fixture/proc/loadavg')
    expect(pool.stats()).toEqual({ abandoned: 1, stuck: 1 })
    // A late answer from the abandoned thread is ignored; the new thread's count.
    stuck.reply({ type: 'done', id: 2, families: [] })
    fresh.reply({ type: 'failed', id: 1, error: "couldn't read /fixture/proc/loadavg: an earlier read is still blocked", noData: false })
    fresh.reply({ type: 'done', id: 2, families: [] })
    await expect(a).rejects.toThrow(/still blocked/)
    await expect(b).resolves.toEqual([])
    const text = pool.families()
    expect(text.map((f) => [f.name, f.type, f.samples[0]?.value])).toEqual([
      ['odin_collector_workers_abandoned_total', 'counter', 1],
      ['odin_collector_workers_stuck', 'gauge', 1],
    ])
    expect(text[0]!.help).toMatch(/^odin-agent: /)
    expect(undeclared(AGENT_FAMILIES, text)).toEqual([])

    // The read returns: the abandoned thread exits and the path is read again.
    stuck.emit('exit', 1)
    await Promise.resolve()
    expect(fresh.requests.at(-1)).toEqual({ type: 'unblock', path: '/fixture/proc/loadavg' })
    expect(pool.stats()).toEqual({ abandoned: 1, stuck: 0 })
    // Close asks the live thread to close its collectors (a GPU collector kills its
    // nvidia-smi) and terminates it once they answer.
    const closing = pool.close()
    await Promise.resolve()
    expect(fresh.requests.at(-1)).toEqual({ type: 'close' })
    expect(fresh.terminated).toBe(false)
    fresh.reply({ type: 'closed' })
    await closing
    expect(fresh.terminated).toBe(true)
  })

  it('close terminates a thread that never answers (stuck in the kernel) after a bounded wait', async () => {
    const { pool, workers } = setup()
    const closing = pool.close()
    await vi.advanceTimersByTimeAsync(CLOSE_WAIT_MS - 1)
    expect(workers[0]!.terminated).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    await closing
    expect(workers[0]!.terminated).toBe(true)
  })

  it('a read that moves on, however slow the whole run, is not stuck', async () => {
    const { workers, loadavg, ctx } = setup()
    void loadavg.collect(ctx(loadavg))
    const w = workers[0]!
    for (let i = 0; i < 10; i++) {
      w.guard.enter(`/proc/${i}/stat`)
      await vi.advanceTimersByTimeAsync(600)
      w.guard.leave()
    }
    expect(workers).toHaveLength(1)
  })

  it('the watchdog sleeps while no run is pending', async () => {
    const { workers, loadavg, ctx } = setup()
    workers[0]!.guard.enter('/proc/loadavg')
    await vi.advanceTimersByTimeAsync(5000)
    expect(workers).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
    const run = loadavg.collect(ctx(loadavg))
    expect(vi.getTimerCount()).toBe(1)
    workers[0]!.reply({ type: 'done', id: 1, families: [] })
    await run
    expect(vi.getTimerCount()).toBe(0)
  })

  it('at the bound a stuck worker is kept, not replaced, and that is logged once', async () => {
    const { pool, workers, logged, loadavg, cpu, ctx } = setup(1)
    void loadavg.collect(ctx(loadavg))
    workers[0]!.guard.enter('/proc/loadavg')
    await vi.advanceTimersByTimeAsync(1500)
    expect(workers).toHaveLength(2)
    void cpu.collect(ctx(cpu))
    workers[1]!.guard.enter('/sys/class/hwmon/hwmon0/temp1_input')
    await vi.advanceTimersByTimeAsync(5000)
    expect(workers).toHaveLength(2)
    expect(workers[1]!.terminated).toBe(false)
    expect(pool.stats()).toEqual({ abandoned: 1, stuck: 1 })
    expect(logged.filter((l) => l.includes('bound of abandoned workers'))).toHaveLength(1)
    // The first stuck read returns: below the bound again, the second is abandoned.
    workers[0]!.emit('exit', 1)
    await vi.advanceTimersByTimeAsync(1500)
    expect(workers).toHaveLength(3)
    expect(workers[2]!.start.blocked).toEqual(['/sys/class/hwmon/hwmon0/temp1_input'])
    expect(pool.stats()).toEqual({ abandoned: 2, stuck: 1 })
  })

  it('a worker that dies fails its pending runs and is replaced by the next run, not in a loop', async () => {
    const { workers, loadavg, ctx } = setup()
    const run = loadavg.collect(ctx(loadavg))
    workers[0]!.emit('exit', 7)
    await expect(run).rejects.toThrow(/collector worker exited \(code 7\)/)
    expect(workers).toHaveLength(1)
    expect(vi.getTimerCount()).toBe(0)
    const next = loadavg.collect(ctx(loadavg))
    await Promise.resolve()
    expect(workers[1]!.runs()).toEqual([2])
    workers[1]!.reply({ type: 'done', id: 2, families: [] })
    await expect(next).resolves.toEqual([])
  })
})
