export type LogLevel = 'debug' | 'info' | 'warn' | 'error'
export type LogFormat = 'logfmt' | 'json'
export type LogFields = Record<string, string | number | boolean | undefined | null>

export interface Logger {
  debug(msg: string, fields?: LogFields): void
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
  child(fields: LogFields): Logger
}

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']
export const LOG_FORMATS: readonly LogFormat[] = ['logfmt', 'json']

const rank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 }

function logfmtValue(v: string): string {
  return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)
}

export function formatLine(format: LogFormat, record: LogFields): string {
  if (format === 'json') {
    return JSON.stringify(record)
  }
  const parts: string[] = []
  for (const [k, v] of Object.entries(record)) {
    if (v === undefined || v === null) {
      continue
    }
    parts.push(`${k}=${logfmtValue(String(v))}`)
  }
  return parts.join(' ')
}

export interface LoggerOptions {
  level: LogLevel
  format: LogFormat
  write?: (line: string) => void
  now?: () => Date
}

export function createLogger(options: LoggerOptions, base: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`))
  const now = options.now ?? (() => new Date())
  const emit = (level: LogLevel, msg: string, fields?: LogFields) => {
    if (rank[level] < rank[options.level]) {
      return
    }
    write(formatLine(options.format, { ts: now().toISOString(), level, ...base, msg, ...fields }))
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger({ ...options, write, now }, { ...base, ...fields }),
  }
}

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
}
