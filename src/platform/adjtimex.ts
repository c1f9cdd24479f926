import { TIMEX_SIZE, decodeTimex } from '../procfs/timex.ts'
import type { TimexReading } from '../procfs/timex.ts'

/**
 * adjtimex(2) could not be read. `code`: 'UNSUPPORTED' when this runtime or platform cannot
 * make the call, else the errno name (EPERM under a seccomp profile that forbids it).
 */
export class AdjtimexError extends Error {
  override readonly name = 'AdjtimexError'
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

type Call = (buf: Uint8Array) => number

const ERRNO_NAMES: Record<number, string> = { 1: 'EPERM', 14: 'EFAULT', 22: 'EINVAL' }

/**
 * Binds libc's adjtimex through bun:ffi. Only Bun has bun:ffi, and procfs/timex.ts decodes
 * the 64-bit little-endian struct: other runtimes and platforms get 'UNSUPPORTED'.
 */
async function bind(): Promise<Call> {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64') || process.versions.bun === undefined) {
    throw new AdjtimexError(`adjtimex is read through bun:ffi on 64-bit Linux, not ${process.versions.bun ? 'bun' : 'node'} on ${process.platform}/${process.arch}`, 'UNSUPPORTED')
  }
  try {
    const { dlopen, FFIType, ptr, read } = await import('bun:ffi')
    const libc = dlopen('libc.so.6', {
      adjtimex: { args: [FFIType.ptr], returns: FFIType.i32 },
      __errno_location: { args: [], returns: FFIType.ptr },
    })
    return (buf) => {
      const rc = libc.symbols.adjtimex(ptr(buf))
      if (rc < 0) {
        const at = libc.symbols.__errno_location()
        const errno = at === null ? 0 : read.i32(at, 0)
        throw new AdjtimexError(`adjtimex failed with errno ${errno}`, ERRNO_NAMES[errno] ?? `errno ${errno}`)
      }
      return rc
    }
  } catch (err) {
    throw new AdjtimexError(`couldn't bind adjtimex from libc.so.6: ${(err as Error).message}`, 'UNSUPPORTED', { cause: err })
  }
}

let call: Promise<Call> | undefined

/** The kernel clock's state: adjtimex(2) with modes 0, which reads and changes nothing. */
export async function adjtimex(): Promise<TimexReading> {
  call ??= bind()
  const buf = new Uint8Array(TIMEX_SIZE) // zeroed: modes 0
  const state = (await call)(buf)
  return decodeTimex(buf, state)
}
