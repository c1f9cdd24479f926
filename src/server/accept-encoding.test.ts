import { describe, expect, it } from 'vitest'
import { acceptsGzip } from './accept-encoding.ts'

describe('acceptsGzip', () => {
  it.each([
    ['gzip', true],
    ['GZIP', true],
    ['x-gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.8, *;q=0.1', true],
    ['deflate, gzip;q=0', false],
    ['gzip; q=0.000', false],
    ['*', true],
    ['*;q=0', false],
    ['identity', false],
    ['br', false],
    ['', false],
    [undefined, false],
    [null, false],
    [',,,;;;', false],
    ['gzip;q=abc', false],
    ['gzip;q=', false],
    ['*, gzip;q=0', false],
    ['gzipx', false],
    [`${'a,'.repeat(10_000)}gzip`, true],
  ])('%j -> %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected)
  })
})
