import { describe, expect, it } from 'vitest'
import { parsePidIo } from './pid-io.ts'
import { ParseError } from './parse-error.ts'

describe('parsePidIo', () => {
  it('reads the byte counters', () => {
    const text = 'rchar: 10\nwchar: 20\nsyscr: 3\nsyscw: 4\nread_bytes: 4096\nwrite_bytes: 8192\ncancelled_write_bytes: 0\n'
    expect(parsePidIo(text)).toEqual({ rchar: 10, wchar: 20, readBytes: 4096, writeBytes: 8192, cancelledWriteBytes: 0 })
  })

  it('tolerates CRLF and values above 2^53', () => {
    const text = 'rchar: 1\r\nwchar: 1\r\nread_bytes: 18446744073709551615\r\nwrite_bytes: 0\r\ncancelled_write_bytes: 0\r\n'
    expect(parsePidIo(text).readBytes).toBe(18446744073709551615)
  })

  it.each(['', 'rchar: 1\nwchar: 2\n', 'rchar: 1\nwchar: 1\nread_bytes: x\nwrite_bytes: 0\ncancelled_write_bytes: 0\n'])('rejects %j', (text) => {
    expect(() => parsePidIo(text)).toThrowError(ParseError)
  })
})
