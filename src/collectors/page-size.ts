import { readOptional } from './read.ts'
import type { CollectContext } from './types.ts'

const byRoot = new Map<string, number>()

/** The kernel page size used when no better source exists (x86_64, most arm64 kernels). */
export const DEFAULT_PAGE_SIZE = 4096

/**
 * The host's page size, for counters the kernel reports in pages. Read once per procfs
 * root from the first KernelPageSize line of <procfs>/self/smaps (the reading process's
 * own mappings, so it is right inside containers that mount the host's /proc); 4096
 * when that file is absent, as in fixture trees.
 */
export async function pageSize(ctx: CollectContext): Promise<number> {
  const cached = byRoot.get(ctx.fs.procfs)
  if (cached !== undefined) {
    return cached
  }
  const smaps = await readOptional(ctx, ctx.fs.proc('self', 'smaps'))
  const m = smaps === undefined ? null : /^KernelPageSize:\s+(\d+) kB$/m.exec(smaps)
  const size = m ? Number(m[1]) * 1024 : DEFAULT_PAGE_SIZE
  byRoot.set(ctx.fs.procfs, size)
  return size
}
