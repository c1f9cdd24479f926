import type { CollectContext, Collector } from '../collectors/types.ts'
import { NoDataError } from '../collectors/types.ts'
import { closeCollectors } from '../collectors/create.ts'
import type { Logger } from '../log/logger.ts'
import type { MetricFamily } from '../metrics/types.ts'
import type { Exec } from '../platform/exec.ts'
import type { HostFS } from '../platform/host-fs.ts'

/** What the serving thread asks of a collector thread. */
export type HostRequest =
  | { readonly type: 'run'; readonly id: number; readonly collector: string }
  | { readonly type: 'abort'; readonly id: number }
  /** The sampler tick is over: held descriptors not read during it close, the memo clears. */
  | { readonly type: 'endTick' }
  /** Paths whose earlier read came back (its abandoned thread exited): read them again. */
  | { readonly type: 'unblock'; readonly path: string }
  /** The agent stops: close every collector (a GPU collector kills its nvidia-smi), then answer 'closed'. */
  | { readonly type: 'close' }

/** What a collector thread answers, one reply per run. */
export type HostReply =
  | { readonly type: 'done'; readonly id: number; readonly families: MetricFamily[]; readonly published?: unknown }
  | { readonly type: 'failed'; readonly id: number; readonly error: string; readonly noData: boolean }
  | { readonly type: 'closed' }

export interface CollectorHostDeps {
  /** The enabled collectors, created once in this thread (createCollectors). */
  readonly collectors: readonly Collector[]
  readonly fs: HostFS
  readonly exec: Exec
  readonly log: Logger
  /** The paths the guard refuses (read-guard.ts); 'unblock' removes from it. */
  readonly blocked: Set<string>
  readonly post: (reply: HostReply) => void
  readonly now?: () => number
  /** After each endTick (the worker collects garbage there). */
  readonly afterTick?: () => void
}

/**
 * The collector thread's side of collector-workers.ts: runs the collector a request names
 * with the same context the in-process sampler gives (one memo per tick, so the /proc walk
 * runs once however many collectors ask), and answers with its families or its error.
 * Deadlines stay with the serving thread's runCollector; an abort request aborts the run's
 * signal (a spawned nvidia-smi is killed); a close request closes the collectors.
 */
export function createCollectorHost(deps: CollectorHostDeps): (request: HostRequest) => void {
  const byName = new Map(deps.collectors.map((c) => [c.name, c]))
  const now = deps.now ?? Date.now
  const loggers = new Map<string, Logger>()
  const runs = new Map<number, AbortController>()
  let memo = new Map<string, Promise<unknown>>()
  const loggerFor = (name: string): Logger => {
    let log = loggers.get(name)
    if (!log) {
      log = deps.log.child({ collector: name })
      loggers.set(name, log)
    }
    return log
  }
  const run = async (id: number, name: string): Promise<void> => {
    const collector = byName.get(name)
    if (!collector) {
      deps.post({ type: 'failed', id, error: `no collector named ${name} in this worker`, noData: false })
      return
    }
    const controller = new AbortController()
    runs.set(id, controller)
    const tickMemo = memo
    let published: unknown
    const ctx: CollectContext = {
      fs: deps.fs,
      exec: deps.exec,
      signal: controller.signal,
      log: loggerFor(name),
      now,
      shared: <T>(key: string, load: () => Promise<T>): Promise<T> => {
        let p = tickMemo.get(key) as Promise<T> | undefined
        if (!p) {
          p = load()
          tickMemo.set(key, p)
        }
        return p
      },
      publish: (value: unknown) => {
        published = value
      },
    }
    try {
      const families = await collector.collect(ctx)
      deps.post(published === undefined ? { type: 'done', id, families } : { type: 'done', id, families, published })
    } catch (err) {
      deps.post({ type: 'failed', id, error: err instanceof Error ? err.message : String(err), noData: err instanceof NoDataError })
    } finally {
      runs.delete(id)
    }
  }
  return (request) => {
    switch (request.type) {
      case 'run':
        void run(request.id, request.collector)
        return
      case 'abort':
        runs.get(request.id)?.abort()
        return
      case 'endTick':
        memo = new Map()
        deps.fs.endTick()
        deps.afterTick?.()
        return
      case 'unblock':
        deps.blocked.delete(request.path)
        return
      case 'close':
        void closeCollectors(deps.collectors, (name, err) => loggerFor(name).error('collector close failed', { err: String(err) })).then(() => deps.post({ type: 'closed' }))
        return
    }
  }
}
