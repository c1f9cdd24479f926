import { describe, expect, it } from 'vitest'
import { joinBlkio, parseBlkio, parseIoStat } from './cgroup-io.ts'

describe('parseIoStat', () => {
  it('reads rbytes, wbytes, rios and wios per device', () => {
    const got = parseIoStat('8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6\n259:0 rbytes=10 wbytes=20 rios=30 wios=40\n')
    expect(Object.fromEntries(got)).toEqual({
      '8:0': { readBytes: 1, writeBytes: 2, reads: 3, writes: 4 },
      '259:0': { readBytes: 10, writeBytes: 20, reads: 30, writes: 40 },
    })
  })
  it('gives values to the last device number of a line that starts with several', () => {
    const got = parseIoStat('7:7 7:6 7:5 7:4 rbytes=556032 wbytes=0 rios=78 wios=0 dbytes=0 dios=0\n7:3 rbytes=9 wbytes=0 rios=1 wios=0\n')
    expect([...got.keys()]).toEqual(['7:4', '7:3'])
    expect(got.get('7:4')).toEqual({ readBytes: 556032, writeBytes: 0, reads: 78, writes: 0 })
  })
  const hostile: [string, string, Record<string, unknown>][] = [
    ['a line of device numbers alone', '7:7 7:6 7:5 7:4 7:3 7:2 7:1 7:0', {}],
    ['empty', '', {}],
    ['values before any device', 'rbytes=1 8:0 wbytes=2', { '8:0': { readBytes: 0, writeBytes: 2, reads: 0, writes: 0 } }],
    ['malformed pairs and negative values', '8:0 rbytes= =5 rbytes=-1 wbytes=x rios=2', { '8:0': { readBytes: 0, writeBytes: 0, reads: 2, writes: 0 } }],
    ['a bad device', 'sda rbytes=1\n8-0 rbytes=1\n', {}],
    ['binary junk', '\u0000\u0001 8:0\u0000 rbytes=1', {}],
  ]
  it.each(hostile)('hostile: %s', (_n, text, want) => {
    expect(Object.fromEntries(parseIoStat(text))).toEqual(want)
  })
})

describe('parseBlkio', () => {
  it('keeps Read and Write per device and skips Total', () => {
    const text = '259:0 Read 4096\n259:0 Write 8192\n259:0 Sync 1\n259:0 Async 2\n259:0 Discard 0\n259:0 Total 12288\nTotal 12288\n'
    expect(Object.fromEntries(parseBlkio(text))).toEqual({ '259:0': { read: 4096, write: 8192 } })
  })
  it.each([
    ['only a Total line (an unused bfq file)', 'Total 0\n'],
    ['empty', ''],
    ['garbage', 'x y z\n8:0 Read -1\n8:0 Read\n8:0 Read 1 2\n'],
  ])('no device lines: %s', (_n, text) => {
    expect(parseBlkio(text).size).toBe(0)
  })
  it('joins serviced and bytes files', () => {
    const got = joinBlkio(parseBlkio('8:0 Read 3\n8:0 Write 4\n'), parseBlkio('8:0 Read 300\n8:0 Write 400\n8:16 Read 1\n'))
    expect(Object.fromEntries(got)).toEqual({
      '8:0': { readBytes: 300, writeBytes: 400, reads: 3, writes: 4 },
      '8:16': { readBytes: 1, writeBytes: 0, reads: 0, writes: 0 },
    })
  })
})
