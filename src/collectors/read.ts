import { isNotFound } from '../platform/host-fs.ts'
import type { CollectContext } from './types.ts'
import { NoDataError } from './types.ts'

/** Reads a file; a missing file means this host lacks the source (NoDataError). */
export async function readOrNoData(ctx: CollectContext, path: string): Promise<string> {
  try {
    return await ctx.fs.readFile(path)
  } catch (err) {
    if (isNotFound(err)) {
      throw new NoDataError(`${path} not found`, { cause: err })
    }
    throw new Error(`couldn't read ${path}: ${(err as Error).message}`, { cause: err })
  }
}

/** Reads a file, returning undefined when it is absent or unreadable (optional attributes). */
export async function readOptional(ctx: CollectContext, path: string): Promise<string | undefined> {
  try {
    return await ctx.fs.readFile(path)
  } catch {
    return undefined
  }
}
