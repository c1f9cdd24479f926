import type { CollectContext } from './types.ts'
import { NoDataError } from './types.ts'
import type { HostFS } from '../platform/host-fs.ts'
import { isNotFound, ownLimits } from '../platform/host-fs.ts'
import { createProcFiles, heldDescriptorBudget } from '../platform/proc-files.ts'
import { ProcessPods } from '../containers/process-pods.ts'
import { ProcessScanner } from '../process/scan.ts'
import type { ProcessTable } from '../process/types.ts'

/**
 * The process scanner of one agent (one per createCollectors call, handed to the collectors
 * that read the process table as a dependency): it keeps state across ticks, and one walk
 * serves every collector of a tick. `refreshEvery` is for benchmarks (1 forces full re-reads).
 */
export class ProcessTables {
  private scanner: ProcessScanner | undefined
  private running: Promise<ProcessTable> | undefined
  private podNames: ProcessPods | undefined

  constructor(private readonly options: { readonly refreshEvery?: number } = {}) {}

  /** The scanner, created on first use over the host the first caller reads. */
  scannerFor(fs: HostFS): ProcessScanner {
    this.scanner ??= new ProcessScanner({
      procfs: fs.procfs,
      files: createProcFiles(heldDescriptorBudget(ownLimits()), fs.procfs, fs.guard, fs.safe),
      refreshEvery: this.options.refreshEvery,
    })
    return this.scanner
  }

  /**
   * Names of the pod containers processes run in, for every collector of the agent: the
   * kubelet log tree is listed once a tick however many collectors ask (threats, namedprocess).
   */
  pods(fs: HostFS): ProcessPods {
    this.podNames ??= new ProcessPods(fs)
    return this.podNames
  }

  /**
   * The process table of this sampler tick: one /proc walk however many collectors ask.
   * A walk still running from a tick that overran its deadline is joined, not doubled.
   */
  table(ctx: CollectContext): Promise<ProcessTable> {
    return ctx.shared('process-table', () => {
      const scanner = this.scannerFor(ctx.fs)
      if (!this.running) {
        const walk = scanner.scan(ctx.now()).catch((err: unknown) => {
          if (isNotFound(err)) {
            throw new NoDataError(`${ctx.fs.procfs} not found`, { cause: err })
          }
          throw new Error(`couldn't list processes in ${ctx.fs.procfs}: ${(err as Error).message}`, { cause: err })
        })
        this.running = walk
        void walk
          .finally(() => {
            this.running = undefined
          })
          .catch(() => {})
      }
      return this.running
    })
  }
}
