import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { parseXfsStats } from './xfs-stats.ts'

const FILE = '/sys/fs/xfs/vdb/stats/stats'

const SAMPLE = [
  'extent_alloc 10 200 3 40',
  'abt 1 2 3 4',
  'blk_map 5 6 7 8 9 10 11',
  'bmbt 0 0 0 0',
  'dir 12 13 14 15',
  'trans 1 2 3',
  'ig 20 21 22 23 24 25 26',
  'log 1 2 3 4 5',
  'push_ail 1 2 3 4 5 6 7 8 9 10',
  'rw 300 400',
  'attr 0 0 0 0',
  'icluster 1 1 1',
  'vnodes 30 31 32 33 34 35 36 37',
  'buf 1 2 3 4 5 6 7 8 9',
  'qm 0 0 0 0 0 0 0 0',
  'xpc 18446744073709551615 2 3',
  'debug 0',
  '',
].join('\n')

describe('parseXfsStats', () => {
  it('keeps every line by label', () => {
    const stats = parseXfsStats(SAMPLE, FILE)
    expect(stats.get('extent_alloc')).toEqual([10, 200, 3, 40])
    expect(stats.get('rw')).toEqual([300, 400])
    expect(stats.get('vnodes')).toEqual([30, 31, 32, 33, 34, 35, 36, 37])
    expect(stats.get('push_ail')).toHaveLength(10)
    expect(stats.get('xpc')).toEqual([18446744073709551615, 2, 3])
  })

  it.each([
    ['empty file', '', []],
    [
      'CRLF line ends',
      'rw 1 2\r\nabt 1 2 3 4\r\n',
      [
        ['rw', [1, 2]],
        ['abt', [1, 2, 3, 4]],
      ],
    ],
    ['bare labels and blank lines skipped', 'debug\n\n   \nrw 1 2', [['rw', [1, 2]]]],
    [
      'unknown lines kept unchecked',
      'rmapbt 1 2 3\nfuture 9',
      [
        ['rmapbt', [1, 2, 3]],
        ['future', [9]],
      ],
    ],
    ['vnodes without free', 'vnodes 1 2 3 4 5 6 7', [['vnodes', [1, 2, 3, 4, 5, 6, 7]]]],
    ['later line wins', 'rw 1 2\nrw 3 4', [['rw', [3, 4]]]],
    ['leading zeros and tabs', 'rw\t007  4294967295', [['rw', [7, 4294967295]]]],
  ] as const)('%s', (_, text, want) => {
    expect([...parseXfsStats(text, FILE)]).toEqual(want)
  })

  it.each([
    ['short known line', 'extent_alloc 1 2 3', 'line 1 (extent_alloc)'],
    ['long known line', 'abt 1 2 3 4\nrw 1 2 3', 'line 2 (rw)'],
    ['truncated vnodes', 'vnodes 1 2 3 4 5 6', 'vnodes'],
    ['wrong xpc width', 'xpc 1 2', 'xpc'],
    ['non-numeric field', 'rw 1 x', 'invalid value'],
    ['non-numeric in an unknown line', 'push_ail 1 two', 'push_ail'],
    ['signed value', 'rw -1 2', 'invalid value'],
    ['plus sign', 'rw +1 2', 'invalid value'],
    ['float', 'rw 1.5 2', 'invalid value'],
    ['above uint32', 'rw 4294967296 0', 'out of range'],
    ['huge value', `rw ${'9'.repeat(400)} 0`, 'out of range'],
    ['above uint64 in xpc', 'xpc 18446744073709551616 0 0', 'out of range'],
  ])('rejects %s', (_, text, fragment) => {
    let error: unknown
    try {
      parseXfsStats(text, FILE)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(ParseError)
    expect((error as Error).message).toContain(FILE)
    expect((error as Error).message).toContain(fragment)
  })
})
