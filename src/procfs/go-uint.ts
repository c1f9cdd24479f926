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
