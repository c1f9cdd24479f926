import { describe, expect, it } from 'vitest'
import { parseDiskstats } from './diskstats.ts'
import { parseUdevProperties } from './diskstats-udev.ts'
import { ParseError } from './parse-error.ts'

describe('parseDiskstats', () => {
  it('keeps 11, 15 or 17 counters depending on the kernel', () => {
    const lines = parseDiskstats(
      [
        '   8       0 sda 25354637 34367663 1003346126 18492372 28444756 11134226 505697032 63877960 0 9653880 82621804',
        '   8      16 sdb 326552 841 9657779 84 41822 2895 1972905 5007 0 60730 67070 68851 0 1925173784 11130',
        ' 259       0 nvme0n1 47114 4 4643973 21650 1078320 43950 39451633 1011053 0 222766 1032546 0 0 0 0 1555 1944',
      ].join('\n'),
    )
    expect(lines.map((l) => [l.device, l.major, l.minor, l.stats.length])).toEqual([
      ['sda', 8, 0, 11],
      ['sdb', 8, 16, 15],
      ['nvme0n1', 259, 0, 17],
    ])
    expect(lines[0]?.stats[2]).toBe(1003346126)
  })

  it.each([
    ['an empty file', '', 0],
    ['CRLF line ends', '8 0 sda 1 2 3 4 5 6 7 8 9 10 11\r\n8 1 sda1 1 2 3 4 5 6 7 8 9 10 11\r\n', 2],
    ['a truncated line (skipped)', '8 0 sda 1 2 3 4 5 6 7 8 9 10 11\n8 1 sda1 1 2 3', 1],
    ['a pre-2.6.25 partition line (skipped)', '8 1 sda1 1 2 3 4\n', 0],
    ['columns from a future kernel (ignored)', '8 0 sda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19\n', 1],
  ])('handles %s', (_name, text, count) => {
    expect(parseDiskstats(text)).toHaveLength(count)
  })

  it('keeps values above 2^53 as float64 does', () => {
    const [line] = parseDiskstats('8 0 sda 18446744073709551615 0 0 0 0 0 0 0 0 0 0\n')
    expect(line?.stats[0]).toBe(18446744073709551615)
  })

  it('rejects a non-numeric counter with ParseError naming the device', () => {
    expect(() => parseDiskstats('8 0 sda 1 2 x 4 5 6 7 8 9 10 11\n')).toThrowError(/sda/)
    expect(() => parseDiskstats('8 0 sda 1 2 x 4 5 6 7 8 9 10 11\n')).toThrowError(ParseError)
  })
})

describe('parseUdevProperties', () => {
  it('keeps E: properties only, values verbatim', () => {
    const props = parseUdevProperties('S:disk/by-id/wwn-0x5000\nW:702\nE:ID_MODEL=Samsung SSD\r\nE:ID_FS_VERSION=LVM2 001\nE:EMPTY=\nE:ID_SERIAL=a=b\nG:systemd\n')
    expect(Object.fromEntries(props)).toEqual({ ID_MODEL: 'Samsung SSD', ID_FS_VERSION: 'LVM2 001', EMPTY: '', ID_SERIAL: 'a=b' })
  })

  it.each(['', 'E:', 'E:=x', 'garbage\n\n'])('yields nothing from %j', (text) => {
    expect(parseUdevProperties(text).size).toBe(0)
  })
})
