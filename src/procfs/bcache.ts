import { lines, ParseError } from './parse-error.ts'
import { parseGoFloat, parseUnsigned } from './sysfs-value.ts'

/**
 * Parsers for /sys/fs/bcache/<uuid>/ files, with procfs' bcache package rules. The kernel
 * prints sizes with bch_hprint: plain integers below 1024, else a mantissa with one
 * "decimal" digit and a binary unit ("1.1M", "20.4G", "427.5k").
 */

/** bch_hprint units (drivers/md/bcache/util.c): powers of 1024. */
const UNITS: Readonly<Record<string, number>> = {
  k: 2 ** 10,
  M: 2 ** 20,
  G: 2 ** 30,
  T: 2 ** 40,
  P: 2 ** 50,
  E: 2 ** 60,
  Z: 2 ** 70,
  Y: 2 ** 80,
}

function quote(text: string): string {
  return JSON.stringify(text.slice(0, 40))
}

/**
 * bch_hprint's mantissa: the digit after the dot is a remainder in 1/1024ths printed
 * scaled by 10/1024, so procfs divides it by 10.24 (".5" and ".50" both mean 5/10.24).
 */
function pseudoFloat(text: string, what: string, original: string): number {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text)
  if (!m) {
    throw new ParseError(`invalid size in ${what}: ${quote(original)}`)
  }
  const whole = Number(m[1])
  return m[2] === undefined ? whole : whole + Number(m[2]) / 10.24
}

/**
 * procfs' dehumanize: "1.1M" -> 1150976, "546" -> 546, truncated to an integer as Go's
 * uint64(mantissa * unit). Surrounding whitespace (the newline, a CR) is ignored. An
 * unknown unit is a ParseError (procfs multiplies by zero and reports 0); values past
 * 2^64 keep float64 precision instead of wrapping.
 */
export function dehumanize(text: string, what: string): number {
  const body = text.trim()
  if (body === '') {
    throw new ParseError(`empty value in ${what}`)
  }
  const last = body.charAt(body.length - 1)
  // procfs: a last byte beyond the ASCII digits is a unit.
  if (last.charCodeAt(0) > 57) {
    const unit = UNITS[last]
    if (unit === undefined) {
      throw new ParseError(`unknown unit ${JSON.stringify(last)} in ${what}: ${quote(body)}`)
    }
    const value = Math.trunc(pseudoFloat(body.slice(0, -1), what, body) * unit)
    if (!Number.isFinite(value)) {
      throw new ParseError(`value out of range in ${what}: ${quote(body)}`)
    }
    return value
  }
  let value: number
  try {
    value = parseGoFloat(body, what)
  } catch {
    throw new ParseError(`invalid value in ${what}: ${quote(body)}`)
  }
  if (!Number.isFinite(value) || value < 0) {
    throw new ParseError(`invalid value in ${what}: ${quote(body)}`)
  }
  return Math.trunc(value)
}

/** procfs' dehumanizeSigned: an optional leading '-' before a dehumanized value. */
export function dehumanizeSigned(text: string, what: string): number {
  const body = text.trim()
  if (body.startsWith('-')) {
    const value = dehumanize(body.slice(1), what)
    return value === 0 ? 0 : -value
  }
  return dehumanize(body, what)
}

export interface PriorityStats {
  readonly unusedPercent: number
  readonly metadataPercent: number
}

/** The last whitespace-separated field of a "Key: value" line ("Key:" itself when none). */
function lastField(line: string): string {
  const fields = line.trim().split(/\s+/)
  return fields[fields.length - 1] as string
}

/**
 * <cache>/priority_stats: "Unused:\t\t99%" and "Metadata:\t0%" (other lines ignored); a
 * line that is absent leaves its value 0, as procfs.
 */
export function parsePriorityStats(text: string, what: string): PriorityStats {
  let unusedPercent = 0
  let metadataPercent = 0
  for (const line of lines(text)) {
    const percent = () => {
      const field = lastField(line)
      return parseUnsigned(field.endsWith('%') ? field.slice(0, -1) : field, what)
    }
    if (line.startsWith('Unused:')) {
      unusedPercent = percent()
    } else if (line.startsWith('Metadata:')) {
      metadataPercent = percent()
    }
  }
  return { unusedPercent, metadataPercent }
}

export interface WritebackRateDebug {
  readonly rate: number
  readonly dirty: number
  readonly target: number
  readonly proportional: number
  readonly integral: number
  readonly change: number
  readonly nextIoMs: number
}

type WritebackKey = keyof WritebackRateDebug

/** writeback_rate_debug lines: prefix, field, unit text stripped from the value, parser. */
const WRITEBACK_LINES: readonly (readonly [prefix: string, key: WritebackKey, suffix: string, parse: (text: string, what: string) => number])[] = [
  ['rate:', 'rate', '/sec', dehumanize],
  ['dirty:', 'dirty', '', dehumanize],
  ['target:', 'target', '', dehumanize],
  ['proportional:', 'proportional', '', dehumanizeSigned],
  ['integral:', 'integral', '', dehumanizeSigned],
  ['change:', 'change', '/sec', dehumanizeSigned],
  ['next io:', 'nextIoMs', 'ms', parseNextIo],
]

function parseNextIo(text: string, what: string): number {
  if (!/^[+-]?\d+$/.test(text)) {
    throw new ParseError(`invalid next io in ${what}: ${quote(text)}`)
  }
  return Number(text)
}

/**
 * <bdev>/writeback_rate_debug:
 *   rate:           1.1M/sec
 *   dirty:          20.4G
 *   target:         20.4G
 *   proportional:   427.5k
 *   integral:       790.0k
 *   change:         321.5k/sec
 *   next io:        17ms
 * Absent lines leave their value 0; other lines are ignored, as procfs.
 */
export function parseWritebackRateDebug(text: string, what: string): WritebackRateDebug {
  const out: Record<WritebackKey, number> = { rate: 0, dirty: 0, target: 0, proportional: 0, integral: 0, change: 0, nextIoMs: 0 }
  for (const line of lines(text)) {
    const spec = WRITEBACK_LINES.find(([prefix]) => line.startsWith(prefix))
    if (spec === undefined) {
      continue
    }
    const [, key, suffix, parse] = spec
    const field = lastField(line)
    out[key] = parse(suffix !== '' && field.endsWith(suffix) ? field.slice(0, -suffix.length) : field, what)
  }
  return out
}
