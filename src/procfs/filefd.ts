import { ParseError } from './parse-error.ts'
import { parseGoFloat } from './sysfs-value.ts'

export interface FileNr {
  readonly allocated: number
  readonly maximum: number
}

/** Parses /proc/sys/fs/file-nr: "allocated  unused  maximum". */
export function parseFileNr(text: string): FileNr {
  const fields = text.trim().split(/\s+/)
  if (fields.length !== 3) {
    throw new ParseError(`/proc/sys/fs/file-nr: expected 3 fields, got ${JSON.stringify(text.slice(0, 60))}`)
  }
  return {
    allocated: parseGoFloat(fields[0] as string, 'allocated in /proc/sys/fs/file-nr'),
    maximum: parseGoFloat(fields[2] as string, 'maximum in /proc/sys/fs/file-nr'),
  }
}
