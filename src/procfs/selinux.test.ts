import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { parseAvcCacheStats, parseAvcHashStats, parseSelinuxConfigMode, parseSelinuxEnforce } from './selinux.ts'

describe('parseSelinuxConfigMode', () => {
  it.each([
    ['enforcing', '# comment\nSELINUX=enforcing\nSELINUXTYPE=targeted\n', 1],
    ['permissive, CRLF, spaces around =', 'SELINUX = permissive\r\n', 0],
    ['disabled', 'SELINUX=disabled\n', -1],
    ['quoted value', 'SELINUX="enforcing"\n', 1],
    ['first assignment wins', 'SELINUX=permissive\nSELINUX=enforcing\n', 0],
    ['; comments and SELINUXTYPE are not SELINUX', '; SELINUX=enforcing\nSELINUXTYPE=enforcing\n', -1],
    ['an unknown word', 'SELINUX=maybe\n', -1],
    ['empty file', '', -1],
    ['no file', undefined, -1],
    ['a line without =', 'SELINUX enforcing\n', -1],
  ])('%s', (_, text, want) => {
    expect(parseSelinuxConfigMode(text)).toBe(want)
  })
})

describe('parseSelinuxEnforce', () => {
  it.each([
    ['1', 1],
    ['0\n', 0],
    ['', -1],
    ['x', -1],
    [undefined, -1],
  ])('%j -> %d', (text, want) => {
    expect(parseSelinuxEnforce(text)).toBe(want)
  })
})

describe('parseAvcCacheStats', () => {
  it('sums the per-CPU lines below the header', () => {
    const text = 'lookups hits misses allocations reclaims frees\n100 90 10 10 0 5\n200 190 10 12 1 6\n'
    expect(parseAvcCacheStats(text, 'cache_stats')).toEqual({ lookups: 300, hits: 280, misses: 20, allocations: 22, reclaims: 1, frees: 11 })
  })

  it.each([
    ['header only', 'lookups hits misses allocations reclaims frees\n', { lookups: 0 }],
    ['CRLF', 'h\r\n1 2 3 4 5 6\r\n', { lookups: 1, frees: 6 }],
    ['a counter past 2^53 keeps its magnitude', 'h\n18446744073709551615 0 0 0 0 0\n', { lookups: 18446744073709551615 }],
  ])('%s', (_, text, want) => {
    expect(parseAvcCacheStats(text, 'cache_stats')).toMatchObject(want)
  })

  it.each([
    ['a truncated line', 'h\n1 2 3\n'],
    ['a line with words', 'h\nlookups many\n'],
  ])('rejects %s naming the file and line', (_, text) => {
    expect(() => parseAvcCacheStats(text, '/sys/fs/selinux/avc/cache_stats')).toThrow(ParseError)
    expect(() => parseAvcCacheStats(text, '/sys/fs/selinux/avc/cache_stats')).toThrow(/cache_stats line 2/)
  })
})

describe('parseAvcHashStats', () => {
  it('reads entries, buckets used/available and the longest chain', () => {
    const text = 'entries: 503\nbuckets used: 319/512\nlongest chain: 5\n'
    expect(parseAvcHashStats(text, 'hash_stats')).toEqual({ entries: 503, bucketsUsed: 319, bucketsAvailable: 512, longestChain: 5 })
  })

  it('tolerates CRLF', () => {
    expect(parseAvcHashStats('entries: 1\r\nbuckets used: 1/2\r\nlongest chain: 1\r\n', 'h').bucketsAvailable).toBe(2)
  })

  it.each([
    ['empty', ''],
    ['truncated', 'entries: 503\nbuckets used: 319'],
    ['not numbers', 'entries: x\nbuckets used: 1/2\nlongest chain: 1\n'],
  ])('rejects %s', (_, text) => {
    expect(() => parseAvcHashStats(text, 'hash_stats')).toThrow(ParseError)
  })
})
