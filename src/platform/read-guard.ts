/**
 * Where a collector thread is in its blocking reads, published through shared memory so
 * another thread can see a read that never returns. A read of /proc or /sys is a
 * synchronous system call: nothing in the thread that made it runs until the kernel
 * answers (a FIFO in place of a file, the cmdline of a process stuck on a dead NFS mount,
 * a hung sensor). The reading thread marks each read's start and end here; the serving
 * thread watches the marks (collector-workers.ts) and abandons a thread whose read stays
 * open too long.
 *
 * Layout of the shared buffer: Int32 [0] a sequence number incremented on every enter and
 * every leave (odd while a read is open), Int32 [1] the open read's path length in bytes,
 * then the path's UTF-8 bytes (cut at PATH_BYTES).
 */
export interface ReadGuard {
  /** Marks the start of a read of `path`; throws BlockedReadError when `path` is blocked. */
  enter(path: string): void
  /** Marks the end of the read begun by the last enter(). */
  leave(): void
}

/** The guard of a thread that nobody watches (tests, in-process use). */
export const NO_GUARD: ReadGuard = { enter: () => {}, leave: () => {} }

/** A read refused because an earlier read of the same path is still stuck in the kernel. */
export class BlockedReadError extends Error {
  override readonly name = 'BlockedReadError'
  /** As node:fs errors carry one; not ENOENT, so readers treat it as a failure, not absence. */
  readonly code = 'ETIMEDOUT'
  constructor(readonly path: string) {
    super(`an earlier read of ${path} is still blocked in the kernel; not read again until it returns`)
  }
}

const HEADER_BYTES = 8
const PATH_BYTES = 4096

/** A buffer for one reading thread's marks. */
export function createGuardBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + PATH_BYTES)
}

/**
 * The reading thread's side. `blocked` holds the paths whose earlier read is stuck in an
 * abandoned thread; the owner adds and removes entries as those threads come back.
 */
export function createSharedReadGuard(buffer: SharedArrayBuffer, blocked: ReadonlySet<string>): ReadGuard {
  const header = new Int32Array(buffer, 0, 2)
  const bytes = new Uint8Array(buffer, HEADER_BYTES, PATH_BYTES)
  const encoder = new TextEncoder()
  return {
    enter(path) {
      if (blocked.size > 0 && blocked.has(path)) {
        throw new BlockedReadError(path)
      }
      // The path is written before the sequence turns odd, so an odd sequence always
      // comes with its own path (the watcher re-checks the sequence after reading it).
      Atomics.store(header, 1, encoder.encodeInto(path, bytes).written)
      Atomics.add(header, 0, 1)
    },
    leave() {
      Atomics.add(header, 0, 1)
    },
  }
}

export interface GuardSample {
  readonly seq: number
  /** The path of the open read; undefined when no read is open. */
  readonly path: string | undefined
}

/** The watching thread's side: what the reading thread is reading now. */
export function watchReadGuard(buffer: SharedArrayBuffer): () => GuardSample {
  const header = new Int32Array(buffer, 0, 2)
  const bytes = new Uint8Array(buffer, HEADER_BYTES, PATH_BYTES)
  const decoder = new TextDecoder()
  return () => {
    const seq = Atomics.load(header, 0)
    if (seq % 2 === 0) {
      return { seq, path: undefined }
    }
    // TextDecoder refuses views of shared memory: copy the bytes out first.
    const path = decoder.decode(bytes.slice(0, Atomics.load(header, 1)))
    return Atomics.load(header, 0) === seq ? { seq, path } : { seq: Atomics.load(header, 0), path: undefined }
  }
}

/** Runs `read` between enter(path) and leave(). */
export function guarded<T>(guard: ReadGuard, path: string, read: () => T): T {
  guard.enter(path)
  try {
    return read()
  } finally {
    guard.leave()
  }
}
