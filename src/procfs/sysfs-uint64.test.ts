import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { parseSysfsUint64 } from './sysfs-uint64.ts'

describe('parseSysfsUint64', () => {
  it.each([
    ['0\n', 0n],
    ['979383912\n', 979383912n],
    ['0x13\n', 19n],
    ['0X1f', 31n],
    ['010', 8n],
    ['0b101', 5n],
    ['1_000', 1000n],
    ['  42 \r\n', 42n],
    ['18446744073709551615', 2n ** 64n - 1n],
    ['0xffffffffffffffff', 2n ** 64n - 1n],
  ] as const)('%j -> %d', (text, want) => {
    expect(parseSysfsUint64(text, 'x')).toBe(want)
  })

  it.each(['', '\n', '-1', '+1', '1.5', '1e3', 'abc', '0x', '08', '12 34', '18446744073709551616', '0x10000000000000000', 'N/A'])('%j is a ParseError naming the file', (text) => {
    expect(() => parseSysfsUint64(text, '/sys/class/scsi_tape/st0/stats/io_ns')).toThrow(ParseError)
    expect(() => parseSysfsUint64(text, '/sys/class/scsi_tape/st0/stats/io_ns')).toThrow(/io_ns/)
  })
})
