import { describe, expect, it } from 'vitest'
import { parseMeminfo } from './meminfo.ts'
import { ParseError } from './parse-error.ts'

const asObject = (text: string) => Object.fromEntries(parseMeminfo(text).map((f) => [f.name, f.value]))

describe('parseMeminfo', () => {
  it('maps kB to bytes with _bytes, unitless fields bare, (x) to _x', () => {
    expect(asObject('MemTotal:        3742148 kB\nActive(anon):    2020004 kB\nHugePages_Total:       0\nHugepagesize:       2048 kB\n')).toEqual({
      MemTotal_bytes: 3742148 * 1024,
      Active_anon_bytes: 2020004 * 1024,
      HugePages_Total: 0,
      Hugepagesize_bytes: 2097152,
    })
  })

  it.each([
    ['CRLF line ends', 'MemFree: 1 kB\r\nBuffers: 2 kB\r\n', { MemFree_bytes: 1024, Buffers_bytes: 2048 }],
    ['an empty file', '', {}],
    ['blank lines (seen on CentOS 6 kernels)', '\nMemFree: 1 kB\n\n', { MemFree_bytes: 1024 }],
    ['unknown fields from a newer kernel', 'Zswapped:  12 kB\nFutureThing:  7\n', { Zswapped_bytes: 12288, FutureThing: 7 }],
    ['values above 2^53', 'VmallocTotal:   34359738367 kB\nHuge: 18446744073709551615\n', { VmallocTotal_bytes: 35184372087808, Huge: 18446744073709551615 }],
    ['a key that cannot be a metric name (skipped)', 'Bad-Key: 1 kB\nMemFree: 1 kB\n', { MemFree_bytes: 1024 }],
    ['a repeated key (last wins)', 'MemFree: 1 kB\nMemFree: 2 kB\n', { MemFree_bytes: 2048 }],
  ])('handles %s', (_name, text, want) => {
    expect(asObject(text)).toEqual(want)
  })

  it.each([
    ['a truncated line', 'MemTotal: 3742148 kB\nMemFree:'],
    ['a value cut mid-number', 'MemTotal: 37x'],
    ['a missing colon', 'MemTotal 1 kB'],
    ['an unknown unit', 'MemTotal: 1 MB'],
    ['too many fields', 'MemTotal: 1 kB extra'],
  ])('rejects %s with ParseError', (_name, text) => {
    expect(() => parseMeminfo(text)).toThrowError(ParseError)
  })
})
