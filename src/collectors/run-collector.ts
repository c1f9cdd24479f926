import type { MetricFamily } from '../metrics/types.ts'
import { CollectorTimeoutError, NoDataError } from './types.ts'
import type { CollectContext, Collector } from './types.ts'

export interface CollectorOutcome {
  readonly collector: string
  readonly success: boolean
  readonly noData: boolean
  readonly durationSeconds: number
  readonly families: readonly MetricFamily[]
  readonly error?: string
  /** Milliseconds since the epoch when this run finished. */
  readonly finishedAt: number
}

export type ContextFor = (signal: AbortSignal) => CollectContext

/**
 * Runs one collector in isolation: a deadline, an abort signal, and every failure
 * turned into success 0 for this collector alone. Results arriving after the deadline
 * are dropped.
 */
export async function runCollector(collector: Collector, contextFor: ContextFor, defaultTimeoutMs: number, inflight: Set<string> = new Set()): Promise<CollectorOutcome> {
  const timeoutMs = collector.timeoutMs ?? defaultTimeoutMs
  if (inflight.has(collector.name)) {
    // A run that outlived its deadline is still pending (a hung read); starting another
    // would pile up stuck work, so this tick reports failure instead.
    return {
      collector: collector.name,
      success: false,
      noData: false,
      durationSeconds: 0,
      families: [],
      error: 'previous run still in progress after its deadline',
      finishedAt: Date.now(),
    }
  }
  const controller = new AbortController()
  const ctx = contextFor(controller.signal)
  const started = performance.now()
  let timer: ReturnType<typeof setTimeout> | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort()
      reject(new CollectorTimeoutError(`collector ${collector.name} timed out after ${timeoutMs} ms`))
    }, timeoutMs)
  })
  const log = ctx.log
  try {
    const run = collector.collect(ctx)
    inflight.add(collector.name)
    run.then(
      () => inflight.delete(collector.name),
      () => inflight.delete(collector.name),
    )
    const families = await Promise.race([run, deadline])
    return {
      collector: collector.name,
      success: true,
      noData: false,
      durationSeconds: (performance.now() - started) / 1000,
      families,
      finishedAt: ctx.now(),
    }
  } catch (err) {
    const noData = err instanceof NoDataError
    const message = err instanceof Error ? err.message : String(err)
    if (noData) {
      log.debug('collector returned no data', { err: message })
    } else {
      log.error('collector failed', { err: message })
    }
    return {
      collector: collector.name,
      success: false,
      noData,
      durationSeconds: (performance.now() - started) / 1000,
      families: [],
      error: message,
      finishedAt: ctx.now(),
    }
  } finally {
    clearTimeout(timer)
  }
}
