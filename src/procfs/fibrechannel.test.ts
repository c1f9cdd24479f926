import { describe, expect, it } from 'vitest'
import { fcHexAttribute, parseFcCounter } from './fibrechannel.ts'
import { ParseError } from './parse-error.ts'

describe('parseFcCounter', () => {
  it.each([
    ['0x0\n', 0],
    ['0x13\n', 19],
    ['0x110', 272],
    ['12', 12],
    // float64 of a uint64 past 2^53, as Go's float64(uint64)
    ['0x20000000000001', 2 ** 53],
    ['0xfffffffffffffffe', 2 ** 64],
  ] as const)('%j -> %d', (text, want) => {
    expect(parseFcCounter(text, 'x')).toBe(want)
  })

  it('treats 2^64-1 as a counter the firmware does not implement', () => {
    expect(parseFcCounter('0xffffffffffffffff\n', 'x')).toBeUndefined()
    expect(parseFcCounter('18446744073709551615', 'x')).toBeUndefined()
  })

  it.each(['', 'garbage', '0x-1', '-0x1', '0xg'])('%j is a ParseError', (text) => {
    expect(() => parseFcCounter(text, '/sys/class/fc_host/host0/statistics/rx_frames')).toThrow(ParseError)
  })
})

describe('fcHexAttribute', () => {
  it.each([
    ['0x000002\n', '000002'],
    ['0x1000e0071bce95f2\n', '1000e0071bce95f2'],
    ['0x0\n', '0'],
    ['0X0a', '0a'],
    // nothing after the prefix, or no prefix: kept as read
    ['0x', '0x'],
    ['unknown\n', 'unknown'],
    ['', ''],
    ['  0x12 \r\n', '12'],
  ] as const)('%j -> %j', (text, want) => {
    expect(fcHexAttribute(text)).toBe(want)
  })
})
