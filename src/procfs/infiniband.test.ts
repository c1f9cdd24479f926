import { describe, expect, it } from 'vitest'
import { parseCounter, parsePortNumber, parsePortRate, parsePortState } from './infiniband.ts'
import { ParseError } from './parse-error.ts'

describe('parseCounter', () => {
  it.each([
    ['0', 1, 0],
    ['61148', 1, 61148],
    ['4631917', 4, 18527668],
    ['4294967295', 1, 4294967295],
    // float64 of a uint64 above 2^53 rounds as Go's float64(uint64) does
    ['9007199254740993', 1, 9007199254740992],
    ['18446744073709551615', 1, 2 ** 64],
    // times 4 in uint64 arithmetic wraps, as in procfs
    ['4611686018427387904', 4, 0],
    ['4611686018427387905', 4, 4],
    // strconv.ParseUint(s, 0, 64): Go literal syntax
    ['0x10', 1, 16],
    ['010', 1, 8],
    ['1_000', 4, 4000],
  ] as const)('%j times %d -> %d', (text, scale, want) => {
    expect(parseCounter(text, scale, 'x')).toBe(want)
  })

  it.each(['N/A (no PMA)', 'foo N/A (no PMA) bar'])('%j (no port management agent) -> undefined', (text) => {
    expect(parseCounter(text, 1, 'x')).toBeUndefined()
  })

  it.each(['', 'N/A', 'n/a (no pma)', 'abc', '-1', '+1', '1.5', '1e3', ' 1', '1\n', '12 34', '18446744073709551616', '08', '1__0'])(
    '%j is a ParseError naming the file',
    (text) => {
      expect(() => parseCounter(text, 1, '/sys/x/counters/link_downed')).toThrow(ParseError)
      expect(() => parseCounter(text, 1, '/sys/x/counters/link_downed')).toThrow(/link_downed/)
    },
  )
})

describe('parsePortState', () => {
  it.each([
    ['4: ACTIVE\n', 4, 'ACTIVE'],
    ['5: LinkUp\r\n', 5, 'LinkUp'],
    ['1: DOWN', 1, 'DOWN'],
    [' 3 :  ARMED \t\n', 3, 'ARMED'],
    ['2:', 2, ''],
    ['4294967295: X', 4294967295, 'X'],
  ] as const)('%j -> %d %j', (text, id, name) => {
    expect(parsePortState(text, 'state')).toEqual({ id, name })
  })

  it.each(['', '\n', 'ACTIVE', '4 ACTIVE', '4: ACTIVE: again', ': ACTIVE', 'x: ACTIVE', '-1: DOWN', '+1: DOWN', '1.0: DOWN', '4294967296: X', '0x4: ACTIVE'])(
    '%j is a ParseError',
    (text) => {
      expect(() => parsePortState(text, 'state')).toThrow(ParseError)
    },
  )
})

describe('parsePortRate', () => {
  it.each([
    ['40 Gb/sec (4X QDR)\n', 5e9],
    ['10 Gb/sec (4X)', 1.25e9],
    ['2.5 Gb/sec (1X SDR)\n', 312_500_000],
    ['53.125 Gb/sec (2X HDR)\n', 6_640_625_000],
    ['400 Gb/sec (4X NDR)\r\n', 5e10],
    ['0 Gb/sec', 0],
    ['-0 Gb/sec', 0],
    // parsed as float32, then truncated: 0.1f = 0.100000001490116...
    ['0.1 Gb/sec', 12_500_000],
    ['1 ', 125_000_000],
  ] as const)('%j -> %d bytes/s', (text, want) => {
    expect(parsePortRate(text, 'rate')).toBe(want)
  })

  it.each(['', '40', '40Gb/sec', '\n', ' 40 Gb/sec', 'fast Gb/sec', '-5 Gb/sec', '1e39 Gb/sec', 'NaN Gb/sec', 'Inf Gb/sec', '1e12 Gb/sec'])('%j is a ParseError', (text) => {
    expect(() => parsePortRate(text, 'rate')).toThrow(ParseError)
  })
})

describe('parsePortNumber', () => {
  it.each([
    ['1', 1],
    ['01', 1],
    ['4294967295', 4294967295],
  ] as const)('%j -> %d', (text, want) => {
    expect(parsePortNumber(text, 'ports')).toBe(want)
  })

  it.each(['', 'a', '1a', '+1', '-1', '0x1', '1_0', '4294967296', '99999999999999999999'])('%j is a ParseError', (text) => {
    expect(() => parsePortNumber(text, 'ports')).toThrow(ParseError)
  })
})
