import type { LogFields, Logger } from '../../src/log/logger.ts'

/** A Logger that keeps info, warn and error lines as `level message {fields}`; debug is dropped. */
export function recordingLog(): { log: Logger; lines: string[] } {
  const lines: string[] = []
  const log: Logger = {
    debug: () => {},
    info: (m: string, f?: LogFields) => void lines.push(`info ${m} ${JSON.stringify(f ?? {})}`),
    warn: (m: string, f?: LogFields) => void lines.push(`warn ${m} ${JSON.stringify(f ?? {})}`),
    error: (m: string, f?: LogFields) => void lines.push(`error ${m} ${JSON.stringify(f ?? {})}`),
    child: () => log,
  }
  return { log, lines }
}
