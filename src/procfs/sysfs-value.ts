import { ParseError } from './parse-error.ts'

/**
 * Value parsers with the acceptance rules of Go's strconv, which node_exporter applies to
 * sysfs and procfs files. JavaScript's Number() is too lenient ('' is 0, ' 12 ' is 12,
 * '0x10' is 16), so a file the exporter would skip must be skipped here too.
 */

const DECIMAL_INT = /^[+-]?\d+$/
const FLOAT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/
const SPECIAL_FLOAT = /^[+-]?(inf|infinity|nan)$/i

/** strconv.ParseInt(s, 10, 64) / ParseUint: a decimal integer, nothing else. */
export function parseDecimal(text: string, what: string): number {
  if (!DECIMAL_INT.test(text)) {
    throw new ParseError(`invalid integer in ${what}: ${JSON.stringify(text.slice(0, 40))}`)
  }
  return Number(text)
}

/** strconv.ParseUint(s, 10, 64): a decimal integer without sign. */
export function parseUnsigned(text: string, what: string): number {
  if (!/^\d+$/.test(text)) {
    throw new ParseError(`invalid unsigned integer in ${what}: ${JSON.stringify(text.slice(0, 40))}`)
  }
  return Number(text)
}

/** strconv.ParseInt(s, 0, 64): decimal, 0x hex, 0o/leading-0 octal or 0b binary. */
export function parseIntAutoBase(text: string, what: string): number {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9]\d*)$/.exec(text)
  if (!m) {
    throw new ParseError(`invalid integer in ${what}: ${JSON.stringify(text.slice(0, 40))}`)
  }
  const body = m[2] as string
  let value: number
  if (/^0[0-7]+$/.test(body)) {
    value = Number.parseInt(body.slice(1), 8)
  } else {
    value = Number(body)
  }
  return m[1] === '-' ? -value : value
}

/** strconv.ParseFloat(s, 64) for the decimal forms plus Inf/NaN. */
export function parseGoFloat(text: string, what: string): number {
  if (FLOAT.test(text)) {
    return Number(text)
  }
  if (SPECIAL_FLOAT.test(text)) {
    const neg = text.startsWith('-')
    if (/nan/i.test(text)) {
      return Number.NaN
    }
    return neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  }
  throw new ParseError(`invalid number in ${what}: ${JSON.stringify(text.slice(0, 40))}`)
}

/** Like parseGoFloat, but undefined instead of an error (optional sysfs attributes). */
export function tryFloat(text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined
  }
  try {
    return parseGoFloat(text, 'value')
  } catch {
    return undefined
  }
}

/** The characters Go's unicode.IsSpace accepts, which strings/bytes.TrimSpace removes. */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000'
const GO_TRIM = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'gu')

/**
 * Go's strings.TrimSpace. Not String.prototype.trim: that also strips U+FEFF (a BOM,
 * which Go keeps) and keeps U+0085 (which Go strips).
 */
export function goTrimSpace(text: string): string {
  return text.replace(GO_TRIM, '')
}

/** A sysfs attribute as procfs' SysReadFile returns it: surrounding whitespace removed. */
export function sysValue(text: string): string {
  return text.trim()
}

/**
 * Parses a kernel CPU list such as "0-3,8,10-11" (/sys/devices/system/cpu/offline).
 * An empty list is valid and means no CPUs.
 */
export function parseCpuList(text: string, what: string): number[] {
  const body = text.trim()
  if (body === '') {
    return []
  }
  const cpus: number[] = []
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim())
    if (!m) {
      throw new ParseError(`invalid CPU list in ${what}: ${JSON.stringify(body.slice(0, 40))}`)
    }
    const from = Number(m[1])
    const to = m[2] === undefined ? from : Number(m[2])
    if (to < from || to - from > 65_536) {
      throw new ParseError(`invalid CPU range in ${what}: ${JSON.stringify(part)}`)
    }
    for (let cpu = from; cpu <= to; cpu++) {
      cpus.push(cpu)
    }
  }
  return cpus
}
