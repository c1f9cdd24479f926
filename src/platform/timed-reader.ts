import { cc, toBuffer } from 'bun:ffi'
import type { Pointer } from 'bun:ffi'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import { join } from 'node:path'
import { Families } from '../metrics/families.ts'
import type { Logger } from '../log/logger.ts'
import { BlockedReadError } from './read-guard.ts'
import { READ_THREADS_ABANDONED_DECL, READ_THREADS_STUCK_DECL } from './safe-reads.ts'
import type { TimedReads } from './safe-reads.ts'
import source from './timed-reader.c' with { type: 'text' }

/** At most this many helper threads stuck in the kernel at once; past it, helper reads are refused. */
export const MAX_ABANDONED_READERS = 4

/**
 * How long the serving thread waits for one helper read: its wait stops /metrics, /healthz
 * and signals, so it is short. A sensor or cmdline read takes microseconds; one that takes
 * longer is abandoned (its thread returns when the read does).
 */
export const READ_DEADLINE_MS = 250

const ETIMEDOUT = 110
const errnoNames = new Map(Object.entries(constants.errno).map(([name, n]) => [n, name]))

function compile(dir: string) {
  const file = join(dir, 'timed-reader.c')
  writeFileSync(file, source)
  try {
    return cc({
      source: file,
      symbols: {
        tr_start: { args: [], returns: 'ptr' },
        tr_read: { args: ['ptr', 'cstring', 'i32'], returns: 'i64' },
        tr_buf: { args: ['ptr'], returns: 'ptr' },
        tr_reap: { args: ['ptr'], returns: 'i32' },
      },
    }).symbols
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Starts the native helper thread of safe-reads.ts (timed-reader.c, compiled by Bun's TinyCC
 * into memory; the source is written to a temporary directory for the compiler and removed).
 * Returns undefined, with the reason logged, when it cannot be compiled (no writable
 * temporary directory, a runtime without TinyCC): reads then stay on the serving thread.
 */
export function startTimedReader(log: Logger, deadlineMs = READ_DEADLINE_MS, maxAbandoned = MAX_ABANDONED_READERS): TimedReads | undefined {
  let lib: ReturnType<typeof compile> | undefined
  const errors: string[] = []
  for (const base of [tmpdir(), '/dev/shm']) {
    try {
      lib = compile(mkdtempSync(join(base, 'odin-reader-')))
      break
    } catch (err) {
      errors.push(`${base}: ${(err as Error).message.split('\n')[0]}`)
    }
  }
  if (!lib) {
    log.warn('no helper thread for reads that can block (cmdline, sensors): they run on the serving thread', { reason: errors.join('; ') })
    return undefined
  }
  const native = lib
  let current: Pointer | null = null
  /** Abandoned generations still stuck, with the path each is stuck on. */
  const stuck = new Map<Pointer, string>()
  let abandonedTotal = 0
  let boundLogged = false

  const reap = () => {
    for (const [gen, path] of stuck) {
      if (native.tr_reap(gen) === 1) {
        stuck.delete(gen)
        log.info('stuck read returned; its helper thread exited', { path })
      }
    }
  }

  return {
    read(path) {
      if (stuck.size > 0) {
        reap()
        for (const p of stuck.values()) {
          if (p === path) throw new BlockedReadError(path)
        }
      }
      if (current === null) {
        if (stuck.size >= maxAbandoned) {
          if (!boundLogged) {
            boundLogged = true
            log.warn('bound of stuck helper threads reached: reads of cmdline and sensor files fail until one returns', { max: maxAbandoned })
          }
          throw new BlockedReadError(path)
        }
        current = native.tr_start() as Pointer | null
        if (current === null) {
          throw Object.assign(new Error(`couldn't start a helper thread to read ${path}`), { code: 'EAGAIN' })
        }
      }
      const n = Number(native.tr_read(current, Buffer.from(`${path}\0`), deadlineMs))
      if (n >= 0) {
        return n === 0 ? '' : toBuffer(native.tr_buf(current) as Pointer, 0, n).toString('utf8')
      }
      if (n === -ETIMEDOUT) {
        stuck.set(current, path)
        current = null
        abandonedTotal++
        boundLogged = false
        log.warn('read blocked in the kernel past its deadline; helper thread abandoned', { path, deadline_ms: deadlineMs, stuck: stuck.size })
        throw new BlockedReadError(path)
      }
      const code = errnoNames.get(-n) ?? `errno ${-n}`
      throw Object.assign(new Error(`${code}: couldn't read ${path}`), { code, errno: n, path })
    },
    families() {
      if (stuck.size > 0) reap()
      const f = new Families()
      f.put(READ_THREADS_ABANDONED_DECL, abandonedTotal)
      f.put(READ_THREADS_STUCK_DECL, stuck.size)
      return f.list()
    },
    stats: () => ({ abandoned: abandonedTotal, stuck: stuck.size }),
  }
}
