import { closeSync, readFileSync, readdirSync, readlinkSync, statfsSync } from 'node:fs'
import { readFile, readdir, readlink, statfs } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { heldDescriptorBudget } from './proc-files.ts'
import { createHeldFiles, readWhole } from './held-files.ts'
import { NO_GUARD } from './read-guard.ts'
import type { ReadGuard } from './read-guard.ts'
import { openRegularSync, slowPath } from './safe-reads.ts'
import type { SafeReads } from './safe-reads.ts'

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
  /** --path.netns-pid: whose network namespace net() reads ('' the agent's own). */
  readonly netnsPid: string
  /**
   * Marks every synchronous read (procfs, sysfs) for a watcher on another thread
   * (read-guard.ts); the process walk's reader marks its reads with it too.
   */
  readonly guard?: ReadGuard
  /**
   * Set when the collectors run on the serving thread (no --sampler.worker): reads that can
   * block are refused or handed to a helper thread (safe-reads.ts); the process walk's
   * reader does the same with it.
   */
  readonly safe?: SafeReads
  proc(...parts: string[]): string
  /** <procfs>/net/... , or <procfs>/PID/net/... with --path.netns-pid. */
  net(...parts: string[]): string
  sys(...parts: string[]): string
  root(...parts: string[]): string
  readFile(path: string): Promise<string>
  readdir(path: string): Promise<string[]>
  readlink(path: string): Promise<string>
  statfs(path: string): Promise<StatFs>
  /**
   * Called by the sampler after each tick: descriptors held for procfs and sysfs files
   * (held-files.ts) that the tick did not read are closed.
   */
  endTick(): void
}

export interface Roots {
  readonly procfs: string
  readonly sysfs: string
  readonly rootfs: string
  readonly netnsPid?: string
}

/**
 * Paths under --path.procfs and --path.sysfs are read synchronously. procfs and sysfs
 * files are generated in memory by the kernel on read: a read never waits on a disk or
 * a network, and a thread-pool round trip per file costs more than the read itself
 * (figures: docs/performance.md, "Figures behind source comments"). Everything else
 * (rootfs, textfile directories, which may sit on a network filesystem) and statfs
 * (which hangs on a dead NFS mount, so the filesystem collector relies on its deadline)
 * stay asynchronous. The per-process walk in src/process has its own synchronous reader.
 *
 * When --path.procfs and --path.sysfs are the kernel's own filesystems, their files are
 * read through descriptors held across ticks (held-files.ts): one pread instead of open,
 * read and close. A fixture tree is a plain directory whose files tests rewrite, so it is
 * always read afresh.
 *
 * A synchronous read that never returns (a FIFO in place of a file, a hung sensor) stops
 * the thread that made it. With --sampler.worker these reads happen on a collector worker
 * thread whose `guard` publishes each read, so the serving thread can abandon a stuck one
 * (src/sampler/collector-workers.ts). Without it (the default) `safe` keeps them off the
 * serving thread: files that are not regular are refused at open, cmdline and sensor files
 * are read by a helper thread with a deadline (safe-reads.ts).
 */
export function createHostFS(roots: Roots, guard: ReadGuard = NO_GUARD, safe?: SafeReads): HostFS {
  const withSep = (r: string) => (r.endsWith(sep) ? r : r + sep)
  const memoryBacked = [roots.procfs, roots.sysfs].map(withSep)
  const sync = (path: string) => memoryBacked.some((r) => path.startsWith(r))
  const kernelBacked: string[] = []
  if (fsType(roots.procfs) === PROC_SUPER_MAGIC) kernelBacked.push(withSep(roots.procfs))
  if (fsType(roots.sysfs) === SYSFS_MAGIC) kernelBacked.push(withSep(roots.sysfs))
  // Half of what the process walk may hold (a quarter of the agent's own descriptor limit),
  // at most 512: a tick reads ~250 host files.
  const held = kernelBacked.length > 0 ? createHeldFiles(Math.min(512, Math.floor(heldDescriptorBudget(ownLimits()) / 2))) : undefined
  const timed = safe?.timed
  let buf: Buffer = Buffer.allocUnsafe(16 * 1024)
  /** A file of a tree that is not the kernel's (a fixture, a copied procfs): only a regular file is read. */
  const readRegular = (path: string): string => {
    const fd = openRegularSync(path)
    try {
      const { text, buffer } = readWhole(fd, buf)
      buf = buffer
      return text
    } finally {
      closeSync(fd)
    }
  }
  const readSync = (path: string): string => {
    if (timed && slowPath(path, roots.procfs, roots.sysfs)) {
      return timed.read(path)
    }
    guard.enter(path)
    try {
      if (held && kernelBacked.some((r) => path.startsWith(r))) {
        return held.read(path)
      }
      return safe ? readRegular(path) : readFileSync(path, 'utf8')
    } finally {
      guard.leave()
    }
  }
  const listSync = (path: string): string[] => {
    guard.enter(path)
    try {
      return readdirSync(path)
    } finally {
      guard.leave()
    }
  }
  const linkSync = (path: string): string => {
    guard.enter(path)
    try {
      return readlinkSync(path)
    } finally {
      guard.leave()
    }
  }
  const netnsPid = roots.netnsPid ?? ''
  return {
    ...roots,
    netnsPid,
    guard,
    safe,
    proc: (...parts) => join(roots.procfs, ...parts),
    // /proc/net is a link to self/net: the reader's namespace. /proc/PID/net is PID's.
    net: (...parts) => (netnsPid ? join(roots.procfs, netnsPid, 'net', ...parts) : join(roots.procfs, 'net', ...parts)),
    sys: (...parts) => join(roots.sysfs, ...parts),
    root: (...parts) => join(roots.rootfs, ...parts),
    // async so that a failed synchronous read still arrives as a rejected promise
    readFile: async (path) => (sync(path) ? readSync(path) : readFile(path, 'utf8')),
    readdir: async (path) => (sync(path) ? listSync(path) : readdir(path)),
    readlink: async (path) => (sync(path) ? linkSync(path) : readlink(path)),
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
    endTick: () => held?.endTick(),
  }
}

const PROC_SUPER_MAGIC = 0x9fa0
const SYSFS_MAGIC = 0x62656572

/** The agent's own /proc/self/limits text (for descriptor budgets), undefined when unreadable. */
export function ownLimits(): string | undefined {
  try {
    // The agent's own descriptor limit, not the host's: deliberately /proc/self.
    return readFileSync('/proc/self/limits', 'utf8')
  } catch {
    return undefined
  }
}

function fsType(path: string): number | undefined {
  try {
    return Number(statfsSync(path).type)
  } catch {
    return undefined
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
