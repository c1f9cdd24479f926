import { ParseError, num } from './parse-error.ts'

export interface LoadAvg {
  readonly load1: number
  readonly load5: number
  readonly load15: number
}

/** Parses /proc/loadavg: "0.21 0.37 0.39 1/719 19737". */
export function parseLoadAvg(text: string): LoadAvg {
  const fields = text.trim().split(/\s+/)
  if (fields.length < 3) {
    throw new ParseError(`couldn't parse /proc/loadavg: expected at least 3 fields, got ${JSON.stringify(text.slice(0, 60))}`)
  }
  return {
    load1: num(fields[0], 'load1 in /proc/loadavg'),
    load5: num(fields[1], 'load5 in /proc/loadavg'),
    load15: num(fields[2], 'load15 in /proc/loadavg'),
  }
}
