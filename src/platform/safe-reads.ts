import { closeSync, constants, fstatSync, openSync } from 'node:fs'
import type { MetricFamily } from '../metrics/types.ts'
import type { FamilyDecl } from '../metrics/declared.ts'

/**
 * How the serving thread reads the host when the collectors run on it (the default: no
 * --sampler.worker). A synchronous read that the kernel never answers would stop /metrics,
 * /healthz and signal handling, so the reads that can block are kept off this thread:
 *
 * - a file that is not a regular file (a FIFO, a socket, a device in place of a procfs or
 *   sysfs file in a copied tree) is refused at open: opened with O_NONBLOCK, checked with
 *   fstat, never read (NotRegularFileError). procfs and sysfs themselves only hold regular
 *   files, so this check runs only on roots that are not the kernel's own filesystems;
 * - the regular files that can block in the kernel (slowPath: /proc/PID/cmdline, which waits
 *   for the target's mmap lock, stuck behind a dead NFS or FUSE mount; hwmon, thermal and
 *   power-supply sensor files, which wait on slow buses and embedded controllers) are read
 *   by `timed`, a native helper thread with a deadline (timed-reader.ts): a read past it is
 *   abandoned, counted, and its path refused until the read returns.
 */
export interface SafeReads {
  /** The helper thread; undefined when it could not be started (the reason is logged). */
  readonly timed: TimedReads | undefined
}

export interface TimedReads {
  /**
   * The whole file, read on the helper thread. Throws what a plain read would (an Error with
   * `code`), or BlockedReadError (code ETIMEDOUT) when the read did not return within the
   * deadline, when an earlier read of the same path is still stuck, or when every helper
   * thread the bound allows is stuck.
   */
  read(path: string): string
  /** odin_read_threads_* self-metrics. */
  families(): MetricFamily[]
  stats(): { abandoned: number; stuck: number }
}

/** A file that is not a regular one (FIFO, socket, device), refused before any read. */
export class NotRegularFileError extends Error {
  override readonly name = 'NotRegularFileError'
  /** Not ENOENT: readers treat it as a failure, not as absence. */
  readonly code = 'EFTYPE'
  constructor(readonly path: string) {
    super(`${path} is not a regular file (a FIFO, socket or device would block the read); not read`)
  }
}

/**
 * Opens `path` for reading without blocking in open(2) (a FIFO with no writer blocks there)
 * and returns the descriptor only when it is a regular file; else closes it and throws
 * NotRegularFileError. Costs one fstat per open.
 */
export function openRegularSync(path: string): number {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  let regular = false
  try {
    regular = fstatSync(fd).isFile()
  } finally {
    if (!regular) {
      closeSync(fd)
    }
  }
  if (!regular) {
    throw new NotRegularFileError(path)
  }
  return fd
}

/**
 * Whether a regular file under these roots can block its reader in the kernel, so that the
 * serving thread hands it to the helper thread: `/proc/PID/cmdline` (not the agent's own
 * reads of other per-process files: stat, status, io and the links do not take the target's
 * mmap lock) and sensor files of the hwmon, thermal and power_supply classes.
 */
export function slowPath(path: string, procfs: string, sysfs: string): boolean {
  if (path.endsWith('/cmdline')) {
    return path.startsWith(procfs)
  }
  // Collectors resolve class links (/sys/class/hwmon/hwmon0 -> /sys/devices/.../hwmon/hwmon0),
  // so the class name is matched as any segment of the path.
  return path.startsWith(sysfs) && (path.includes('/hwmon/') || path.includes('/thermal/') || path.includes('/power_supply/'))
}

export const READ_THREADS_ABANDONED_DECL = {
  name: 'odin_read_threads_abandoned_total',
  type: 'counter',
  help: 'odin-agent: Helper threads abandoned because a read of a cmdline or sensor file stayed blocked in the kernel past its deadline.',
} as const satisfies FamilyDecl
export const READ_THREADS_STUCK_DECL = {
  name: 'odin_read_threads_stuck',
  type: 'gauge',
  help: 'odin-agent: Abandoned helper threads still blocked in a read (at most 4 by default; at the bound such reads fail until one returns).',
} as const satisfies FamilyDecl
/** The helper threads' own families (default flags, without --sampler.worker). */
export const READ_THREAD_FAMILIES: readonly FamilyDecl[] = [READ_THREADS_ABANDONED_DECL, READ_THREADS_STUCK_DECL]
