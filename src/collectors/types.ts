import type { HostFS } from '../platform/host-fs.ts'
import type { Exec } from '../platform/exec.ts'
import type { Logger } from '../log/logger.ts'
import type { MetricFamily } from '../metrics/types.ts'
import type { FamilyDecl } from '../metrics/declared.ts'
import type { AgentConfig } from '../config/config.ts'
import type { FlagSpec } from '../config/flag-spec.ts'
import type { GpuInventory } from '../gpu/inventory.ts'
import type { ProcessTables } from './process-table.ts'

/** What a collector is handed each run. It reads only through `fs` and `exec`. */
export interface CollectContext {
  readonly fs: HostFS
  readonly exec: Exec
  readonly signal: AbortSignal
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

/** What an entry's `create` is given, once per agent (or per collector thread). */
export interface CollectorDeps {
  /** The parsed flags: an entry reads its own here, never in collect. */
  readonly config: AgentConfig
  /** NVIDIA GPUs by PCI address: the gpu collector fills it, gpu_xid reads it. One per agent. */
  readonly gpuInventory: GpuInventory
  /** The agent's process scanner: one /proc walk per tick for every collector that asks. */
  readonly processes: ProcessTables
}

/** A created collector: the state it keeps between runs lives here, and only here. */
export interface CollectorInstance {
  /** Returns whole families; a source this host lacks throws `NoDataError`. */
  collect(ctx: CollectContext): Promise<MetricFamily[]>
  /** Releases what the instance holds (a child process, an open device); called when the agent stops. */
  close?(): Promise<void> | void
}

/** A family a collector may emit (metrics/declared.ts): name, type, HELP, or a pattern of them. */
export type { FamilyDecl } from '../metrics/declared.ts'

/**
 * One source of metrics, as listed in index.ts. The agent creates each enabled entry once
 * and closes the instance when it stops. Flags, --help and the README table come from here.
 */
export interface CollectorEntry<I extends CollectorInstance = CollectorInstance> {
  readonly name: string
  readonly defaultEnabled: boolean
  readonly help: string
  /** Per-run deadline; the wrapper aborts `ctx.signal` and drops the result after it. */
  readonly timeoutMs?: number
  /** Collector-specific flags (`collector.<name>.<option>`), listed in --help. */
  readonly flags?: readonly FlagSpec[]
  /** Every family the collector emits (name, type, HELP), declared once. */
  readonly families: readonly FamilyDecl[]
  /**
   * Also forwards families it does not know in advance (textfile: whatever the .prom files
   * hold); those are checked by the exposition rules only.
   */
  readonly forwards?: boolean
  /** Parses its flags and builds its state; a bad value throws here, not on every tick. */
  create(deps: CollectorDeps): I
}

/** A created collector as the sampler runs it: its entry's name and deadline, and the instance. */
export interface Collector extends CollectorInstance {
  readonly name: string
  readonly timeoutMs?: number
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
