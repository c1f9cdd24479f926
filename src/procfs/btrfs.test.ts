import { describe, expect, it } from 'vitest'
import { NO_COMMIT_STATS, btrfsAllocationRatio, btrfsUuid, parseBtrfsValue, parseCommitStats } from './btrfs.ts'
import { ParseError } from './parse-error.ts'

const FILE = '/sys/fs/btrfs/x-y/commit_stats'

describe('parseBtrfsValue', () => {
  it.each([
    ['1073741824\n', 1073741824],
    [' 42 \r\n', 42],
    ['0', 0],
    ['007', 7],
    // procfs ignores strconv's error: unparsable is 0, out of range is the uint64 maximum.
    ['', 0],
    ['abc', 0],
    ['-1', 0],
    ['+1', 0],
    ['1.5', 0],
    ['12 34', 0],
    ['0x10', 0],
    ['18446744073709551615', 18446744073709551615],
    ['18446744073709551616', 18446744073709551615],
    ['9'.repeat(400), 18446744073709551615],
  ])('%j is %d', (text, want) => {
    expect(parseBtrfsValue(text)).toBe(want)
  })
})

describe('btrfsUuid', () => {
  it.each([
    ['0abb-1\n', 'dir-name', '0abb-1'],
    ['  \n', 'dir-name', 'dir-name'],
    [undefined, 'dir-name', 'dir-name'],
  ])('%j in %s is %s', (metadataUuid, dir, want) => {
    expect(btrfsUuid(metadataUuid, dir)).toBe(want)
  })
})

describe('parseCommitStats', () => {
  it('reads the four counters and skips unknown keys', () => {
    const text = 'commits 258051\nlast_commit_ms 1000\nmax_commit_ms 51462\ntotal_commit_ms 47836090\nfuture_key 7\n'
    expect(parseCommitStats(text, FILE)).toEqual({ commits: 258051, lastCommitMs: 1000, maxCommitMs: 51462, totalCommitMs: 47836090 })
  })

  it.each([
    ['empty file', '', NO_COMMIT_STATS],
    ['CRLF and blank lines', 'commits 3\r\n\r\nmax_commit_ms 4\r\n', { ...NO_COMMIT_STATS, commits: 3, maxCommitMs: 4 }],
    ['only some keys', 'total_commit_ms 18446744073709551615', { ...NO_COMMIT_STATS, totalCommitMs: 18446744073709551615 }],
  ])('%s', (_, text, want) => {
    expect(parseCommitStats(text, FILE)).toEqual(want)
  })

  it.each([
    ['truncated line', 'commits 1\nlast_commit_ms', 'line 2'],
    ['extra field', 'commits 1 2', 'line 1'],
    ['non-numeric value', 'commits many', 'line 1'],
    ['negative value', 'commits -1', 'line 1'],
    ['unknown key with bad value', 'future x', 'line 1'],
    ['above uint64', 'commits 18446744073709551616', 'line 1'],
  ])('rejects %s', (_, text, fragment) => {
    let error: unknown
    try {
      parseCommitStats(text, FILE)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(ParseError)
    expect((error as Error).message).toContain(`${FILE} ${fragment}`)
  })
})

describe('btrfsAllocationRatio', () => {
  it.each([
    ['single', 1, 1],
    ['raid0', 2, 1],
    ['dup', 1, 2],
    ['raid1', 2, 2],
    ['raid10', 4, 2],
    ['raid5', 4, 4 / 3],
    ['raid5', 1, Infinity],
    ['raid6', 4, 2],
    ['raid6', 2, Infinity],
    ['raid1c3', 3, 0],
    ['bogus', 3, 0],
  ])('%s over %d devices is %d', (mode, devices, want) => {
    expect(btrfsAllocationRatio(mode, devices)).toBe(want)
  })
})
