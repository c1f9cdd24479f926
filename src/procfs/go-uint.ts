import { ParseError } from './parse-error.ts'

/**
 * strconv.ParseUint(s, base, bits) for the bases procfs uses: 16 (bare hex digits, no
 * prefix, no underscores) and 0 (Go literal syntax: decimal, 0x hex, 0o or leading-0
 * octal, 0b binary, underscores between digits). No sign, no whitespace; a value above
 * 2^bits-1 is out of range. Returned as a bigint: /proc/net counters can pass 2^53.
 */
export function parseGoUint(text: string, base: 0 | 16, bits: number, what: string): bigint {
  const literal = base === 16 ? hexLiteral(text) : autoLiteral(text)
  if (literal === undefined) {
    throw new ParseError(`invalid unsigned integer in ${what}: ${JSON.stringify(text.slice(0, 40))}`)
  }
  const value = BigInt(literal)
  if (value >> BigInt(bits) !== 0n) {
    throw new ParseError(`value out of range in ${what}: ${JSON.stringify(text.slice(0, 40))}`)
  }
  return value
}

function hexLiteral(text: string): string | undefined {
  return /^[0-9a-fA-F]+$/.test(text) ? `0x${text}` : undefined
}

/** The text as a JavaScript BigInt literal, undefined when Go's base-0 syntax rejects it. */
function autoLiteral(text: string): string | undefined {
  const strip = (s: string) => s.replaceAll('_', '')
  if (/^0[xX](_?[0-9a-fA-F])+$/.test(text)) return `0x${strip(text.slice(2))}`
  if (/^0[bB](_?[01])+$/.test(text)) return `0b${strip(text.slice(2))}`
  if (/^0[oO](_?[0-7])+$/.test(text)) return `0o${strip(text.slice(2))}`
  if (/^0(_?[0-7])*$/.test(text)) return `0o0${strip(text.slice(1))}`
  if (/^[1-9](_?\d)*$/.test(text)) return strip(text)
  return undefined
}

const DECIMAL = /^\d+$/
/** The longest decimal that always fits: 9 digits below 2^32, 19 below 2^64. */
const SAFE_DIGITS = { 32: 9, 64: 19 } as const

/**
 * strconv.ParseUint(s, 10, bits), the rule of most procfs counters, as Go's float64 of the
 * result (precision lost above 2^53), or why Go rejects the text: 'syntax' (anything but
 * decimal digits) or 'range' (above 2^bits-1). Numbers short enough to fit skip the BigInt.
 */
export function goDecimalUint(text: string, bits: 32 | 64 = 64): number | 'syntax' | 'range' {
  if (!DECIMAL.test(text)) {
    return 'syntax'
  }
  if (text.length > SAFE_DIGITS[bits] && BigInt(text) >> BigInt(bits) !== 0n) {
    return 'range'
  }
  return Number(text)
}

/** strconv.ParseInt(s, 0, 64): optional sign, then Go literal syntax (0x, 0o, 0b, leading 0). */
export function parseGoInt(text: string, what: string): number {
  const negative = text.startsWith('-')
  const body = negative || text.startsWith('+') ? text.slice(1) : text
  const magnitude = parseGoUint(body, 0, 64, what)
  if (magnitude > (negative ? 2n ** 63n : 2n ** 63n - 1n)) {
    throw new ParseError(`value out of range in ${what}: ${JSON.stringify(text.slice(0, 40))}`)
  }
  return Number(negative ? -magnitude : magnitude)
}
