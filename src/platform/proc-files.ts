import { closeSync, openSync, readSync, readdirSync, readlinkSync, statSync, statfsSync } from 'node:fs'
import { readWhole } from './held-files.ts'
import { NO_GUARD } from './read-guard.ts'
import type { ReadGuard } from './read-guard.ts'
import { openRegularSync } from './safe-reads.ts'
import type { SafeReads } from './safe-reads.ts'

/**
 * Synchronous, allocation-light access to /proc/PID files. The process walk reads
 * thousands of tiny files per tick: readFileSync costs a fraction of fs.promises, a
 * reused buffer less again, and pread on a descriptor held open across ticks least (figures:
 * docs/performance.md, "Figures behind source comments"). Held descriptors also pin the process:
 * after it exits, reads fail with ESRCH even if its PID is reused.
 *
 * Paths are built by the caller from HostFS roots (ctx.fs.proc), so fixture trees work.
 */
export interface ProcFiles {
  /** Reads a whole file. Throws the system error (code ENOENT, ESRCH, EACCES, ...). */
  read(path: string): string
  /** Opens a file to keep, or returns undefined when the descriptor budget is spent. */
  hold(path: string): number | undefined
  /** Reads a held file from offset 0 (procfs regenerates it on every read). */
  reread(fd: number): string
  /**
   * Re-reads a small held file and compares it with `previous` without decoding:
   * undefined when unchanged, else a copy of the new bytes (empty when the process exited).
   */
  rereadIfChanged(fd: number, previous: Uint8Array | undefined): Uint8Array | undefined
  release(fd: number): void
  readdir(path: string): string[]
  /**
   * Entries in a /proc/PID/fd directory. On procfs since Linux 6.2 the directory's size is
   * the count, one stat instead of listing thousands of descriptors; elsewhere it lists.
   */
  countFds(path: string): number
  readlink(path: string): string
  /** Descriptors currently held. */
  held(): number
}

/** A stand-in error with a code, as node:fs throws. */
export class ProcFileError extends Error {
  override readonly name = 'ProcFileError'
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
  }
}

const PROC_SUPER_MAGIC = 0x9fa0

function isProcfs(root: string | undefined): boolean {
  try {
    return root !== undefined && statfsSync(root).type === PROC_SUPER_MAGIC
  } catch {
    return false
  }
}

/**
 * `procfs` is the root the paths will be under; it decides whether fd directories can be
 * counted by size. Every system call that can block is marked on `guard` (read-guard.ts),
 * held descriptors under the path they were opened with. With `safe` (the collectors on the
 * serving thread, safe-reads.ts), cmdline files are read by its helper thread with a
 * deadline, and under a root that is not procfs (a copied tree) only regular files are opened.
 */
export function createProcFiles(heldBudget = 4096, procfs?: string, guard: ReadGuard = NO_GUARD, safe?: SafeReads): ProcFiles {
  let buf: Buffer = Buffer.allocUnsafe(64 * 1024)
  let held = 0
  const sizedFdDirs = isProcfs(procfs)
  const timed = safe?.timed
  const open = safe && !sizedFdDirs ? openRegularSync : (path: string) => openSync(path, 'r')
  const heldPaths = new Map<number, string>()
  const readAll = (fd: number): string => {
    const { text, buffer } = readWhole(fd, buf)
    buf = buffer
    return text
  }
  /** `call` marked on the guard as a read of `path`. */
  const marked = <T>(path: string, call: () => T): T => {
    guard.enter(path)
    try {
      return call()
    } finally {
      guard.leave()
    }
  }
  return {
    read: (path) =>
      timed && path.endsWith('/cmdline')
        ? timed.read(path)
        : marked(path, () => {
            const fd = open(path)
            try {
              return readAll(fd)
            } finally {
              closeSync(fd)
            }
          }),
    hold(path) {
      if (held >= heldBudget) {
        return undefined
      }
      return marked(path, () => {
        try {
          const fd = open(path)
          held++
          heldPaths.set(fd, path)
          return fd
        } catch (err) {
          if ((err as { code?: string }).code === 'EMFILE' || (err as { code?: string }).code === 'ENFILE') {
            return undefined
          }
          throw err
        }
      })
    },
    reread: (fd) => marked(heldPaths.get(fd) ?? '', () => readAll(fd)),
    rereadIfChanged(fd, previous) {
      const n = marked(heldPaths.get(fd) ?? '', () => readSync(fd, buf, 0, 4096, 0))
      if (previous !== undefined && previous.length === n && buf.compare(previous, 0, n, 0, n) === 0) {
        return undefined
      }
      return Uint8Array.prototype.slice.call(buf, 0, n)
    },
    release(fd) {
      held--
      heldPaths.delete(fd)
      try {
        closeSync(fd)
      } catch {
        // already closed; nothing to release
      }
    },
    readdir: (path) => marked(path, () => readdirSync(path)),
    countFds: (path) =>
      marked(path, () => {
        const size = sizedFdDirs ? statSync(path).size : 0
        return size > 0 ? size : readdirSync(path).length
      }),
    readlink: (path) => marked(path, () => readlinkSync(path)),
    held: () => held,
  }
}

/**
 * How many descriptors the process walk may keep open: a quarter of this process's soft
 * RLIMIT_NOFILE (Node and Bun raise it to the hard limit at start), at most 16,384.
 */
export function heldDescriptorBudget(limitsText: string | undefined): number {
  const m = limitsText === undefined ? null : /^Max open files\s+(\d+|unlimited)/m.exec(limitsText)
  if (!m) {
    return 1024
  }
  const soft = m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1])
  return Math.max(0, Math.min(16384, Math.floor(soft / 4)))
}
