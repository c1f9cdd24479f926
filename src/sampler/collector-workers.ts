import type { Collector, CollectorEntry } from '../collectors/types.ts'
import { NoDataError } from '../collectors/types.ts'
import type { Logger } from '../log/logger.ts'
import type { FamilyDecl } from '../metrics/declared.ts'
import { Families } from '../metrics/families.ts'
import type { MetricFamily } from '../metrics/types.ts'
import { createGuardBuffer, watchReadGuard } from '../platform/read-guard.ts'
import type { GuardSample } from '../platform/read-guard.ts'
import type { HostReply, HostRequest } from './collector-host.ts'
import { decodeReplies } from './reply-wire.ts'
import type { ReplyWire } from './reply-wire.ts'

/**
 * Abandoned threads kept at most: each holds its stack and heap (about 10 MiB, see
 * docs/performance.md) until its read returns, if ever.
 */
export const MAX_ABANDONED_WORKERS = 4

const WORKERS_ABANDONED_DECL = {
  name: 'odin_collector_workers_abandoned_total',
  type: 'counter',
  help: 'odin-agent: Collector worker threads abandoned (and replaced) because a read of /proc or /sys stayed blocked in the kernel.',
} as const satisfies FamilyDecl
const WORKERS_STUCK_DECL = {
  name: 'odin_collector_workers_stuck',
  type: 'gauge',
  help: 'odin-agent: Abandoned collector worker threads still blocked in a read (at most 4; at the bound a stuck worker is kept, not replaced).',
} as const satisfies FamilyDecl
/** --sampler.worker's own families. */
export const WORKER_FAMILIES: readonly FamilyDecl[] = [WORKERS_ABANDONED_DECL, WORKERS_STUCK_DECL]

/**
 * How long a read may stay open before its thread counts as stuck: half the collector
 * deadline, so the runs waiting behind it still have the other half on a fresh thread,
 * between 100 ms and 5 s (no procfs or sysfs read takes seconds unless something is wrong).
 */
export function stuckReadMs(collectorTimeoutMs: number): number {
  return Math.min(5000, Math.max(100, Math.floor(collectorTimeoutMs / 2)))
}

/** The part of a node:worker_threads Worker used here (tests pass a fake). */
export interface WorkerLike {
  /** Requests go in batches: the sampler starts every collector in one turn. */
  postMessage(batch: readonly HostRequest[]): void
  on(event: 'message', listener: (wire: ReplyWire) => void): unknown
  on(event: 'exit', listener: (code: number) => void): unknown
  on(event: 'error', listener: (err: Error) => void): unknown
  terminate(): unknown
}

/** What a new collector thread is started with. */
export interface WorkerStart {
  /** Its read marks (read-guard.ts). */
  readonly guard: SharedArrayBuffer
  /** Paths still blocked in abandoned threads: refused until they come back. */
  readonly blocked: readonly string[]
}

/** How long close waits for the worker to close its collectors before terminating it. */
export const CLOSE_WAIT_MS = 2000

export interface CollectorWorkersOptions {
  /** The enabled entries (names and deadlines); each worker creates them from the same flags. */
  readonly collectors: readonly Pick<CollectorEntry, 'name' | 'timeoutMs'>[]
  readonly spawn: (start: WorkerStart) => WorkerLike
  readonly log: Logger
  /** A read open this long means its thread is stuck in the kernel. */
  readonly stuckAfterMs: number
  /** Abandoned threads still stuck, at most; at the bound a stuck thread is kept, not replaced. */
  readonly maxAbandoned: number
  readonly now?: () => number
}

export interface CollectorWorkers {
  /** Stand-ins with the collectors' names and deadlines whose runs happen on the worker. */
  readonly collectors: readonly Collector[]
  endTick(): void
  /** odin_collector_workers_* self-metrics. */
  families(): MetricFamily[]
  /** Threads abandoned so far and those still stuck now. */
  stats(): { abandoned: number; stuck: number }
  close(): Promise<void>
}

interface Run {
  readonly id: number
  readonly collector: string
  resolve(families: MetricFamily[]): void
  reject(err: Error): void
  /** The run's context's publish: what the collector published in the worker lands there. */
  publish?: (value: unknown) => void
}

interface Thread {
  readonly worker: WorkerLike
  readonly sample: () => GuardSample
  readonly runs: Map<number, Run>
  /** The open read's sequence number when first seen by the watchdog, and when. */
  seenSeq: number
  seenAt: number
  /** Exited on its own (a crash): the next run starts another. */
  dead: boolean
  /** Requests of this turn, sent together after it. */
  outbox: HostRequest[]
}

/**
 * Runs the collectors on a worker thread, so a read that never returns costs only what
 * reads it, never /metrics, /healthz or signal handling (README, "Blocking reads").
 *
 * The serving thread keeps the sampler and each run's deadline (runCollector); the worker
 * keeps the collectors, their state and their synchronous reads. While runs are pending a
 * watchdog polls the worker's read marks (read-guard.ts). A read open past `stuckAfterMs`
 * means the thread is stuck in the kernel, which nothing can interrupt: the thread is
 * abandoned (terminated: it exits if the read ever returns) and a fresh one takes over its
 * pending runs, with the stuck path refused until the abandoned thread exits. So the
 * collector that read it fails (success 0, the path named in its error) and every other
 * collector still answers within its deadline.
 */
export function startCollectorWorkers(options: CollectorWorkersOptions): CollectorWorkers {
  const { log, stuckAfterMs, maxAbandoned } = options
  const now = options.now ?? Date.now
  const blocked = new Map<WorkerLike, string>()
  let abandonedTotal = 0
  let nextId = 0
  let closed = false
  let atBoundLogged = false
  let watchdog: ReturnType<typeof setInterval> | undefined
  const pollMs = Math.max(20, Math.min(250, Math.floor(stuckAfterMs / 4)))

  const spawn = (): Thread => {
    const guard = createGuardBuffer()
    const worker = options.spawn({ guard, blocked: [...blocked.values()] })
    const thread: Thread = { worker, sample: watchReadGuard(guard), runs: new Map(), seenSeq: -1, seenAt: 0, dead: false, outbox: [] }
    worker.on('message', (wire) => {
      for (const reply of decodeReplies(wire)) {
        settle(thread, reply)
      }
    })
    worker.on('error', (err) => log.error('collector worker failed', { err: err.message }))
    worker.on('exit', (code) => exited(thread, code))
    return thread
  }

  const send = (thread: Thread, request: HostRequest) => {
    if (thread.outbox.push(request) === 1) {
      queueMicrotask(() => {
        const batch = thread.outbox
        thread.outbox = []
        if (!thread.dead) {
          thread.worker.postMessage(batch)
        }
      })
    }
  }

  let onClosed: (() => void) | undefined
  const settle = (thread: Thread, reply: HostReply) => {
    if (reply.type === 'closed') {
      onClosed?.()
      return
    }
    const run = thread.runs.get(reply.id)
    if (!run) {
      return
    }
    thread.runs.delete(reply.id)
    if (reply.type === 'done') {
      if (reply.published !== undefined) {
        run.publish?.(reply.published)
      }
      run.resolve(reply.families)
    } else {
      run.reject(reply.noData ? new NoDataError(reply.error) : new Error(reply.error))
    }
    idle()
  }

  const exited = (thread: Thread, code: number) => {
    const path = blocked.get(thread.worker)
    if (path !== undefined) {
      // An abandoned thread whose read came back: the path may be read again.
      blocked.delete(thread.worker)
      if (![...blocked.values()].includes(path) && !current.dead) {
        send(current, { type: 'unblock', path })
      }
      log.info('abandoned collector worker exited; its read returned', { path })
      return
    }
    if (thread !== current || closed) {
      return
    }
    // Started again lazily, by the next run: a thread that dies at start cannot spin.
    log.error('collector worker exited; the next run starts another', { code })
    thread.dead = true
    for (const run of thread.runs.values()) {
      run.reject(new Error(`collector worker exited (code ${code}) during the run`))
    }
    thread.runs.clear()
    idle()
  }

  const live = (): Thread => {
    if (current.dead) {
      current = spawn()
    }
    return current
  }

  const idle = () => {
    if (watchdog !== undefined && current.runs.size === 0) {
      clearInterval(watchdog)
      watchdog = undefined
    }
  }

  const watch = () => {
    if (watchdog === undefined && !closed) {
      current.seenSeq = -1
      watchdog = setInterval(check, pollMs)
      ;(watchdog as { unref?: () => void }).unref?.()
    }
  }

  const check = () => {
    const thread = current
    const { seq, path } = thread.sample()
    if (path === undefined) {
      thread.seenSeq = -1
      return
    }
    if (seq !== thread.seenSeq) {
      thread.seenSeq = seq
      thread.seenAt = now()
      return
    }
    const stuckMs = now() - thread.seenAt
    if (stuckMs >= stuckAfterMs) {
      abandon(thread, path, stuckMs)
    }
  }

  const abandon = (thread: Thread, path: string, stuckMs: number) => {
    if (blocked.size >= maxAbandoned) {
      if (!atBoundLogged) {
        atBoundLogged = true
        log.error('collector worker stuck in a read and the bound of abandoned workers is reached: keeping it; collectors fail at their deadlines until a stuck read returns', {
          path,
          stuck_ms: stuckMs,
          abandoned_now: blocked.size,
        })
      }
      return
    }
    atBoundLogged = false
    abandonedTotal++
    blocked.set(thread.worker, path)
    try {
      void Promise.resolve(thread.worker.terminate()).catch(() => {})
    } catch {
      // terminating a worker that cannot run JavaScript just marks it
    }
    log.warn('read blocked in the kernel: collector worker abandoned and replaced', { path, stuck_ms: stuckMs, abandoned_now: blocked.size })
    current = spawn()
    // The stuck run and every run that waited behind it start again on the new thread;
    // the stuck path now fails at once there. Their deadlines keep running meanwhile.
    for (const run of thread.runs.values()) {
      current.runs.set(run.id, run)
      send(current, { type: 'run', id: run.id, collector: run.collector })
    }
    thread.runs.clear()
    current.seenSeq = -1
  }

  let current = spawn()

  const proxy = (c: Pick<CollectorEntry, 'name' | 'timeoutMs'>): Collector => ({
    name: c.name,
    timeoutMs: c.timeoutMs,
    collect: (ctx) =>
      new Promise<MetricFamily[]>((resolve, reject) => {
        if (closed) {
          reject(new Error('collector workers closed'))
          return
        }
        const id = ++nextId
        const thread = live()
        thread.runs.set(id, { id, collector: c.name, resolve, reject, publish: ctx.publish })
        send(thread, { type: 'run', id, collector: c.name })
        watch()
        ctx.signal.addEventListener('abort', () => send(current, { type: 'abort', id }), { once: true })
      }),
  })

  return {
    collectors: options.collectors.map(proxy),
    endTick: () => {
      if (!current.dead) {
        send(current, { type: 'endTick' })
      }
    },
    families: () => {
      const f = new Families()
      f.put(WORKERS_ABANDONED_DECL, abandonedTotal)
      f.put(WORKERS_STUCK_DECL, blocked.size)
      return f.list()
    },
    stats: () => ({ abandoned: abandonedTotal, stuck: blocked.size }),
    close: async () => {
      if (watchdog !== undefined) {
        clearInterval(watchdog)
      }
      if (!closed && !current.dead) {
        // The collectors close in their thread (a GPU collector kills its nvidia-smi); a
        // thread stuck in the kernel never answers, so the wait is bounded.
        let timer: ReturnType<typeof setTimeout> | undefined
        const answered = new Promise<void>((resolve) => {
          onClosed = resolve
          timer = setTimeout(resolve, CLOSE_WAIT_MS)
        })
        send(current, { type: 'close' })
        await answered
        clearTimeout(timer)
      }
      closed = true
      for (const w of [current.worker, ...blocked.keys()]) {
        try {
          void Promise.resolve(w.terminate()).catch(() => {})
        } catch {
          // already gone
        }
      }
    },
  }
}
