import { readFile, readdir, readlink, statfs } from 'node:fs/promises'
import { join } from 'node:path'

export interface StatFs {
  readonly type: number
  readonly bsize: number
  readonly blocks: number
  readonly bfree: number
  readonly bavail: number
  readonly files: number
  readonly ffree: number
}

/**
 * Every read of the host goes through here, rooted at --path.procfs, --path.sysfs and
 * --path.rootfs, so a fixture tree can stand in for a host.
 */
export interface HostFS {
  readonly procfs: string
  readonly sysfs: string
  readonly rootfs: string
  proc(...parts: string[]): string
  sys(...parts: string[]): string
  root(...parts: string[]): string
  readFile(path: string): Promise<string>
  readdir(path: string): Promise<string[]>
  readlink(path: string): Promise<string>
  statfs(path: string): Promise<StatFs>
}

export interface Roots {
  readonly procfs: string
  readonly sysfs: string
  readonly rootfs: string
}

export function createHostFS(roots: Roots): HostFS {
  return {
    ...roots,
    proc: (...parts) => join(roots.procfs, ...parts),
    sys: (...parts) => join(roots.sysfs, ...parts),
    root: (...parts) => join(roots.rootfs, ...parts),
    readFile: (path) => readFile(path, 'utf8'),
    readdir: (path) => readdir(path),
    readlink: (path) => readlink(path),
    statfs: async (path) => {
      const s = await statfs(path)
      return {
        type: Number(s.type),
        bsize: Number(s.bsize),
        blocks: Number(s.blocks),
        bfree: Number(s.bfree),
        bavail: Number(s.bavail),
        files: Number(s.files),
        ffree: Number(s.ffree),
      }
    },
  }
}

/** True for errors meaning "this file is not here" (as opposed to a read failure). */
export function isNotFound(err: unknown): boolean {
  const code = (err as { code?: string } | null)?.code
  return code === 'ENOENT' || code === 'ENOTDIR'
}

export function errorCode(err: unknown): string | undefined {
  return (err as { code?: string } | null)?.code
}
