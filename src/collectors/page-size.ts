import { readOptional } from './read.ts'
import type { CollectContext } from './types.ts'

/** The kernel page size used when no better source exists (x86_64, most arm64 kernels). */
export const DEFAULT_PAGE_SIZE = 4096

/**
 * The host's page size, for counters the kernel reports in pages (the caller keeps it:
 * it does not change while the agent runs). Read from the first KernelPageSize line of <procfs>/self/smaps (the reading process's
 * own mappings, so it is right inside containers that mount the host's /proc); 4096
 * when that file is absent, as in fixture trees.
 */
export async function pageSize(ctx: CollectContext): Promise<number> {
  const smaps = await readOptional(ctx, ctx.fs.proc('self', 'smaps'))
  const m = smaps === undefined ? null : /^KernelPageSize:\s+(\d+) kB$/m.exec(smaps)
  return m ? Number(m[1]) * 1024 : DEFAULT_PAGE_SIZE
}
