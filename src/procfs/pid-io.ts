import { ParseError, lineValue, num } from './parse-error.ts'

/** /proc/PID/io: bytes this process caused to be fetched from or sent to storage. */
export interface PidIo {
  readonly rchar: number
  readonly wchar: number
  readonly readBytes: number
  readonly writeBytes: number
  readonly cancelledWriteBytes: number
}

/** Parses /proc/PID/io. Every field must be present. */
export function parsePidIo(text: string): PidIo {
  const field = (key: string) => {
    const v = lineValue(text, key)
    if (v === undefined) {
      throw new ParseError(`couldn't parse /proc/PID/io: no ${key} line`)
    }
    return num(v.trim(), `${key} in /proc/PID/io`)
  }
  return {
    rchar: field('rchar'),
    wchar: field('wchar'),
    readBytes: field('read_bytes'),
    writeBytes: field('write_bytes'),
    cancelledWriteBytes: field('cancelled_write_bytes'),
  }
}
