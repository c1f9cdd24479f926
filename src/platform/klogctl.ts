/**
 * syslog(2) through libc's klogctl, bound with bun:ffi (as adjtimex.ts): the kernel ring
 * buffer without /dev/kmsg. Needs CAP_SYSLOG where kernel.dmesg_restrict=1 (and under the
 * container runtimes' default seccomp profile, which allows syslog only with CAP_SYSLOG).
 */
export class KlogError extends Error {
  override readonly name = 'KlogError'
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

const SYSLOG_ACTION_READ_ALL = 3
const SYSLOG_ACTION_SIZE_BUFFER = 10
const ERRNO_NAMES: Record<number, string> = { 1: 'EPERM', 13: 'EACCES', 14: 'EFAULT', 22: 'EINVAL', 38: 'ENOSYS' }

/** A function returning the whole kernel ring buffer as text; throws KlogError. */
export async function bindKlogReadAll(): Promise<() => string> {
  if (process.platform !== 'linux' || process.versions.bun === undefined) {
    throw new KlogError(`syslog(2) is read through bun:ffi on Linux, not ${process.versions.bun ? 'bun' : 'node'} on ${process.platform}`, 'UNSUPPORTED')
  }
  const bind = (ffi: typeof import('bun:ffi')) =>
    ffi.dlopen('libc.so.6', {
      klogctl: { args: [ffi.FFIType.i32, ffi.FFIType.ptr, ffi.FFIType.i32], returns: ffi.FFIType.i32 },
      __errno_location: { args: [], returns: ffi.FFIType.ptr },
    })
  let ffi: typeof import('bun:ffi')
  let libc: ReturnType<typeof bind>
  try {
    ffi = await import('bun:ffi')
    libc = bind(ffi)
  } catch (err) {
    throw new KlogError(`couldn't bind klogctl from libc.so.6: ${(err as Error).message}`, 'UNSUPPORTED', { cause: err })
  }
  const { ptr, read } = ffi
  const symbols = libc.symbols
  const call = (type: number, buf: Uint8Array | null): number => {
    const rc = symbols.klogctl(type, buf === null ? null : ptr(buf), buf === null ? 0 : buf.length)
    if (rc < 0) {
      const at = symbols.__errno_location()
      const errno = at === null ? 0 : read.i32(at, 0)
      throw new KlogError(`syslog(2) failed with errno ${errno}`, ERRNO_NAMES[errno] ?? `errno ${errno}`)
    }
    return rc
  }
  let buf = new Uint8Array(Math.max(4096, Math.min(call(SYSLOG_ACTION_SIZE_BUFFER, null), 16 * 1024 * 1024)))
  return () => {
    const n = call(SYSLOG_ACTION_READ_ALL, buf)
    const text = Buffer.from(buf.buffer, buf.byteOffset, n).toString('utf8')
    if (n === buf.length) {
      buf = new Uint8Array(buf.length * 2) // the buffer grew (log_buf_len changed): read more next time
    }
    return text
  }
}
