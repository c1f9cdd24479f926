import type { HostFS } from '../platform/host-fs.ts'
import type { Exec } from '../platform/exec.ts'
import type { Logger } from '../log/logger.ts'
import type { MetricFamily } from '../metrics/types.ts'
import type { AgentConfig } from '../config/config.ts'
import type { FlagSpec } from '../config/flag-spec.ts'

/** What a collector is handed each run. It reads only through `fs` and `exec`. */
export interface CollectContext {
  readonly fs: HostFS
  readonly exec: Exec
  readonly signal: AbortSignal
  readonly config: AgentConfig
  readonly log: Logger
  /** Wall clock in milliseconds; injected so tests can fix it. */
  readonly now: () => number
  /**
   * Memo shared by every collector in one sampler tick: expensive scans (the /proc
   * process walk) run once per tick however many collectors need them.
   */
  readonly shared: <T>(key: string, load: () => Promise<T>) => Promise<T>
  /**
   * Hands the serving thread a plain-data value of this run beside the families (the status
   * page's threat findings): kept per collector, readable there with Sampler.published.
   * Crosses from a collector worker as JSON.
   */
  readonly publish?: (value: unknown) => void
}

/**
 * One source of metrics. `collect` returns whole families; a source this host lacks
 * throws `NoDataError`. Collectors keep state between runs only for stale-mount and
 * similar bookkeeping, never samples.
 */
export interface Collector {
  readonly name: string
  readonly defaultEnabled: boolean
  readonly help: string
  /** Per-run deadline; the wrapper aborts `ctx.signal` and drops the result after it. */
  readonly timeoutMs?: number
  /** Collector-specific flags (`collector.<name>.<option>`), listed in --help. */
  readonly flags?: readonly FlagSpec[]
  collect(ctx: CollectContext): Promise<MetricFamily[]>
}

/** The source does not exist on this host (no PSI, no GPU): success 0, logged at debug. */
export class NoDataError extends Error {
  override readonly name = 'NoDataError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

export class CollectorTimeoutError extends Error {
  override readonly name = 'CollectorTimeoutError'
}
