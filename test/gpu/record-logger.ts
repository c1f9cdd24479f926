import type { LogFields, Logger } from '../../src/log/logger.ts'

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error'
  msg: string
  fields: LogFields
}

/** A Logger that keeps every line, for asserting what was (not) logged at which level. */
export function recordingLogger(lines: LogLine[] = []): Logger & { lines: LogLine[] } {
  const make = (base: LogFields): Logger => ({
    debug: (msg, f) => void lines.push({ level: 'debug', msg, fields: { ...base, ...f } }),
    info: (msg, f) => void lines.push({ level: 'info', msg, fields: { ...base, ...f } }),
    warn: (msg, f) => void lines.push({ level: 'warn', msg, fields: { ...base, ...f } }),
    error: (msg, f) => void lines.push({ level: 'error', msg, fields: { ...base, ...f } }),
    child: (f) => make({ ...base, ...f }),
  })
  return Object.assign(make({}), { lines })
}
