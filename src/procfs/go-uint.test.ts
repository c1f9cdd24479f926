import { describe, expect, it } from 'vitest'
import { goDecimalUint, parseGoUint } from './go-uint.ts'
import { ParseError } from './parse-error.ts'

describe('parseGoUint', () => {
  it.each([
    ['00000015', 16, 64, 21n],
    ['ffffffffffffffff', 16, 64, 2n ** 64n - 1n],
    ['00000000000000000001', 16, 64, 1n],
    ['AbC', 16, 64, 0xabcn],
    ['0x2', 0, 8, 2n],
    ['0XfF', 0, 8, 255n],
    ['0', 0, 64, 0n],
    ['017', 0, 64, 15n],
    ['0o17', 0, 64, 15n],
    ['0b101', 0, 64, 5n],
    ['1_000', 0, 64, 1000n],
    ['0x_1f', 0, 64, 31n],
    ['18446744073709551615', 0, 64, 2n ** 64n - 1n],
  ] as const)('%j base %d -> %s', (text, base, bits, want) => {
    expect(parseGoUint(text, base, bits, 'x')).toBe(want)
  })

  it.each([
    ['', 16, 64],
    ['0x15', 16, 64],
    ['-1', 16, 64],
    ['+1', 0, 64],
    ['1_0', 16, 64],
    ['g0', 16, 64],
    ['1ffffffffffffffff', 16, 64],
    ['18446744073709551616', 0, 64],
    ['0x100', 0, 8],
    ['256', 0, 8],
    ['08', 0, 64],
    ['0x', 0, 64],
    ['1__0', 0, 64],
    ['_1', 0, 64],
    ['1_', 0, 64],
    [' 1', 0, 64],
    ['1.5', 0, 64],
  ] as const)('rejects %j base %d bits %d', (text, base, bits) => {
    expect(() => parseGoUint(text, base, bits, 'field')).toThrowError(ParseError)
  })
})

describe('goDecimalUint (strconv.ParseUint base 10)', () => {
  it.each([
    ['0', 64, 0],
    ['007', 64, 7],
    ['4294967295', 32, 4294967295],
    ['4294967296', 32, 'range'],
    ['18446744073709551615', 64, 2 ** 64],
    ['18446744073709551616', 64, 'range'],
    ['9'.repeat(400), 64, 'range'],
    ['', 64, 'syntax'],
    ['-1', 64, 'syntax'],
    ['+1', 64, 'syntax'],
    ['0x10', 64, 'syntax'],
    ['1_000', 64, 'syntax'],
    ['1.5', 64, 'syntax'],
    [' 1', 64, 'syntax'],
  ] as const)('%j (%d bits) -> %j', (text, bits, want) => {
    expect(goDecimalUint(text, bits)).toBe(want)
  })
})
