import { closeSync, constants, openSync, readSync } from 'node:fs'

/**
 * Reads the kernel log without blocking. /dev/kmsg hands one record per read() and
 * EAGAIN when none is left (opened O_NONBLOCK); a plain file (tests) hands chunks and 0 at
 * its end. Both come out as whole lines. The descriptor stays open between calls, so each
 * call returns only what arrived since the last one (the first call returns the ring
 * buffer from its start).
 */
export class KmsgReader {
  private fd: number | undefined
  private partial = ''
  private readonly buf = Buffer.alloc(16 * 1024)

  constructor(readonly path: string) {}

  /** Opens the log; throws the errno error (ENOENT, EACCES, EPERM) when it cannot. */
  open(): void {
    if (this.fd === undefined) {
      this.fd = openSync(this.path, constants.O_RDONLY | constants.O_NONBLOCK)
    }
  }

  /** Lines that arrived since the last call, at most `maxLines`. */
  readLines(maxLines = 100_000): string[] {
    this.open()
    const fd = this.fd as number
    const lines: string[] = []
    while (lines.length < maxLines) {
      let n: number
      try {
        n = readSync(fd, this.buf, 0, this.buf.length, null)
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
          break
        }
        if (code === 'EPIPE') {
          // The ring buffer overwrote records we had not read yet; the next read resumes.
          continue
        }
        throw err
      }
      if (n === 0) {
        break
      }
      const text = this.partial + this.buf.toString('utf8', 0, n)
      const parts = text.split('\n')
      this.partial = parts.pop() ?? ''
      lines.push(...parts)
    }
    return lines
  }

  close(): void {
    if (this.fd !== undefined) {
      closeSync(this.fd)
      this.fd = undefined
      this.partial = ''
    }
  }
}
