import type { CollectContext } from '../collectors/types.ts'
import { NoDataError } from '../collectors/types.ts'
import type { HostFS } from '../platform/host-fs.ts'
import { isNotFound, ownLimits } from '../platform/host-fs.ts'
import { createProcFiles, heldDescriptorBudget } from './proc-files.ts'
import { ProcessScanner } from './scan.ts'
import type { ProcessTable } from './types.ts'

const scanners = new WeakMap<HostFS, ProcessScanner>()
const running = new WeakMap<ProcessScanner, Promise<ProcessTable>>()

/**
 * The scanner of one agent (one HostFS): it keeps state across ticks. `refreshEvery` only
 * applies when the scanner is created (benchmarks force full re-reads with 1).
 */
export function scannerFor(fs: HostFS, options: { refreshEvery?: number } = {}): ProcessScanner {
  let scanner = scanners.get(fs)
  if (!scanner) {
    scanner = new ProcessScanner({ procfs: fs.procfs, files: createProcFiles(heldDescriptorBudget(ownLimits()), fs.procfs, fs.guard, fs.safe), refreshEvery: options.refreshEvery })
    scanners.set(fs, scanner)
  }
  return scanner
}

/**
 * The process table of this sampler tick: one /proc walk however many collectors ask.
 * A walk still running from a tick that overran its deadline is joined, not doubled.
 */
export function processTable(ctx: CollectContext): Promise<ProcessTable> {
  return ctx.shared('process-table', () => {
    const scanner = scannerFor(ctx.fs)
    let walk = running.get(scanner)
    if (!walk) {
      walk = scanner.scan(ctx.now()).catch((err: unknown) => {
        if (isNotFound(err)) {
          throw new NoDataError(`${ctx.fs.procfs} not found`, { cause: err })
        }
        throw new Error(`couldn't list processes in ${ctx.fs.procfs}: ${(err as Error).message}`, { cause: err })
      })
      running.set(scanner, walk)
      void walk.finally(() => running.delete(scanner)).catch(() => {})
    }
    return walk
  })
}
