import { errorCode, isNotFound } from '../platform/host-fs.ts'
import type { CollectContext } from './types.ts'
import { NoDataError } from './types.ts'

/** The error for a file that could not be read: names the file, keeps the cause. */
export function readFailure(path: string, err: unknown): Error {
  return new Error(`couldn't read ${path}: ${(err as Error).message}`, { cause: err })
}

/** Reads a file that must be there: any failure is an error naming the file. */
export async function readRequired(ctx: CollectContext, path: string): Promise<string> {
  try {
    return await ctx.fs.readFile(path)
  } catch (err) {
    throw readFailure(path, err)
  }
}

/** Reads a file; a missing file means this host lacks the source (NoDataError). */
export async function readOrNoData(ctx: CollectContext, path: string): Promise<string> {
  try {
    return await ctx.fs.readFile(path)
  } catch (err) {
    if (isNotFound(err)) {
      throw new NoDataError(`${path} not found`, { cause: err })
    }
    throw readFailure(path, err)
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

/** Reads a file that may be absent (undefined); any other failure is an error naming the file. */
export async function readIfPresent(ctx: CollectContext, path: string): Promise<string | undefined> {
  try {
    return await ctx.fs.readFile(path)
  } catch (err) {
    if (isNotFound(err)) {
      return undefined
    }
    throw readFailure(path, err)
  }
}

/**
 * Reads a file, undefined when the read fails with one of the `skipped` error codes (the
 * errors procfs tolerates for that kind of attribute); any other failure names the file.
 */
export async function readUnless(ctx: CollectContext, path: string, skipped: ReadonlySet<string>): Promise<string | undefined> {
  try {
    return await ctx.fs.readFile(path)
  } catch (err) {
    if (skipped.has(errorCode(err) ?? '')) {
      return undefined
    }
    throw readFailure(path, err)
  }
}

/** A directory's entries, sorted, or undefined when it is absent; any other failure is an error naming it. */
export async function listIfPresent(ctx: CollectContext, dir: string): Promise<string[] | undefined> {
  try {
    return (await ctx.fs.readdir(dir)).sort()
  } catch (err) {
    if (isNotFound(err)) {
      return undefined
    }
    throw new Error(`couldn't list ${dir}: ${(err as Error).message}`, { cause: err })
  }
}

/** A directory's entries, sorted; an absent directory means this host lacks the source (NoDataError). */
export async function listOrNoData(ctx: CollectContext, dir: string): Promise<string[]> {
  const names = await listIfPresent(ctx, dir)
  if (names === undefined) {
    throw new NoDataError(`${dir} not found`)
  }
  return names
}
