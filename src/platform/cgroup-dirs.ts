import { readdirSync, statSync } from 'node:fs'
import { isNotFound } from './host-fs.ts'

/**
 * Directory-tree reads the cgroup walk needs and HostFS does not offer yet: which entries
 * of a cgroup directory are child cgroups, and a cgroup directory's modification time
 * (cAdvisor's container start time). Synchronous, as HostFS reads sysfs: cgroupfs lives in
 * memory and a thread-pool round trip per directory costs more than the read.
 */

/** The child directories of `path`, sorted; undefined when it is absent (removed mid-walk). */
export function subdirectories(path: string): string[] | undefined {
  try {
    const out: string[] = []
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) out.push(entry.name)
    }
    return out.sort()
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw new Error(`couldn't list ${path}: ${(err as Error).message}`, { cause: err })
  }
}

/** Modification time in seconds since the epoch, undefined when the path is absent or unreadable. */
export function modifiedSeconds(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs / 1000
  } catch {
    return undefined
  }
}
