import { describe, expect, it } from 'vitest'
import { dehumanize, dehumanizeSigned, parsePriorityStats, parseWritebackRateDebug } from './bcache.ts'
import { ParseError } from './parse-error.ts'

const WHAT = '/sys/fs/bcache/x/bdev0/dirty_data'

describe('dehumanize', () => {
  it.each([
    ['0\n', 0],
    ['546\n', 546],
    ['1305', 1305],
    // bch_hprint: the digit after the dot is in 1/10.24ths of the unit
    ['1.1M\n', 1150976],
    ['20.4G', 21894266880],
    ['427.5k', 437748],
    ['790.0k', 808960],
    ['0.5k', 500],
    ['1.2M', 1253376],
    // ".10" is 10/10.24, more than ".9" (a kernel quirk procfs keeps)
    ['1.10k', 2024],
    ['1.9k', 1924],
    ['2k', 2048],
    ['1T', 2 ** 40],
    ['1P', 2 ** 50],
    ['3E', 3 * 2 ** 60],
    ['1Z', 2 ** 70],
    ['1Y', 2 ** 80],
    // truncated like Go's uint64(float)
    ['1.5', 1],
    ['1e3', 1000],
    // CRLF and surrounding whitespace
    ['1.1M\r\n', 1150976],
    ['  12 \t\n', 12],
    // past 2^53 and 2^64: float64 precision, no wrap
    ['18446744073709551615', 2 ** 64],
    ['16E', 2 ** 64],
  ] as const)('%j -> %d', (text, want) => {
    expect(dehumanize(text, WHAT)).toBe(want)
  })

  it.each([
    '',
    '\n',
    '\r\n',
    'k',
    '.5k',
    '1.k',
    '1.2x',
    '1.2m',
    '1.2.3k',
    '1,5k',
    '-1',
    '-1k',
    '+1k',
    'abc',
    '12%',
    'NaN',
    'inf',
    '1e999',
    `${'9'.repeat(400)}Y`,
    '1 2',
    '0x10',
    '1.1M/sec',
  ])('%j is a ParseError naming the file', (text) => {
    expect(() => dehumanize(text, WHAT)).toThrow(ParseError)
    expect(() => dehumanize(text, WHAT)).toThrow(/dirty_data/)
  })
})

describe('dehumanizeSigned', () => {
  it.each([
    ['427.5k', 437748],
    ['-427.5k', -437748],
    ['-321.5k', -329204],
    ['-0', 0],
    ['-12', -12],
    ['0', 0],
  ] as const)('%j -> %d', (text, want) => {
    expect(dehumanizeSigned(text, WHAT)).toBe(want)
  })

  it.each(['', '-', '--1', '-1x', '+-1'])('%j is a ParseError', (text) => {
    expect(() => dehumanizeSigned(text, WHAT)).toThrow(ParseError)
  })
})

describe('parseWritebackRateDebug', () => {
  const SAMPLE =
    'rate:           1.1M/sec\ndirty:          20.4G\ntarget:         20.4G\nproportional:   427.5k\nintegral:       790.0k\nchange:         321.5k/sec\nnext io:        17ms\n'

  it('parses every line, dropping the /sec and ms units', () => {
    expect(parseWritebackRateDebug(SAMPLE, 'wrd')).toEqual({
      rate: 1150976,
      dirty: 21894266880,
      target: 21894266880,
      proportional: 437748,
      integral: 808960,
      change: 329204,
      nextIoMs: 17,
    })
  })

  it('tolerates CRLF, negative controller terms, unknown lines, and leaves absent lines 0', () => {
    const text = 'rate:\t512/sec\r\nproportional: -1.5k\r\nintegral: -790.0k\r\nchange: -3/sec\r\nnext io: -20ms\r\nsomething new: 5\r\n'
    expect(parseWritebackRateDebug(text, 'wrd')).toEqual({ rate: 512, dirty: 0, target: 0, proportional: -1524, integral: -808960, change: -3, nextIoMs: -20 })
    expect(parseWritebackRateDebug('', 'wrd')).toEqual({ rate: 0, dirty: 0, target: 0, proportional: 0, integral: 0, change: 0, nextIoMs: 0 })
  })

  it.each([
    'rate:\n',
    'rate: 1.1X/sec\n',
    'rate: -1.1M/sec\n',
    'dirty: lots\n',
    'target: 20.4G extra?\n',
    'proportional: 1..5k\n',
    'change: k/sec\n',
    'next io: soon\n',
    'next io: 1.5ms\n',
  ])('%j is a ParseError naming the file', (text) => {
    expect(() => parseWritebackRateDebug(text, '/sys/x/writeback_rate_debug')).toThrow(ParseError)
    expect(() => parseWritebackRateDebug(text, '/sys/x/writeback_rate_debug')).toThrow(/writeback_rate_debug/)
  })
})

describe('parsePriorityStats', () => {
  it('reads the Unused and Metadata percentages, ignoring the other lines', () => {
    const text = 'Unused:\t\t99%\nMetadata:\t0%\nAverage:\t10473\nSectors per Q:\t64\nQuantiles:\t[0 0 20946]\n'
    expect(parsePriorityStats(text, 'ps')).toEqual({ unusedPercent: 99, metadataPercent: 0 })
  })

  it('tolerates CRLF, a missing % sign and absent lines', () => {
    expect(parsePriorityStats('Unused: 12%\r\nMetadata: 3\r\n', 'ps')).toEqual({ unusedPercent: 12, metadataPercent: 3 })
    expect(parsePriorityStats('', 'ps')).toEqual({ unusedPercent: 0, metadataPercent: 0 })
    expect(parsePriorityStats('Average: 1\n', 'ps')).toEqual({ unusedPercent: 0, metadataPercent: 0 })
  })

  it.each(['Unused:\n', 'Unused: -1%\n', 'Unused: 1.5%\n', 'Metadata: lots\n', 'Metadata: 5%%\n', 'Unused: 18446744073709551616x%\n'])(
    '%j is a ParseError naming the file',
    (text) => {
      expect(() => parsePriorityStats(text, '/sys/x/priority_stats')).toThrow(ParseError)
      expect(() => parsePriorityStats(text, '/sys/x/priority_stats')).toThrow(/priority_stats/)
    },
  )
})
