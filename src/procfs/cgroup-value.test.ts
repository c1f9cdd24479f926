import { describe, expect, it } from 'vitest'
import { parseCfsQuota, parseCgroupUint, parseCpuMax, parseMemoryLimit } from './cgroup-value.ts'
import { ParseError } from './parse-error.ts'

const F = '/sys/fs/cgroup/x'

describe('cgroup single-value files', () => {
  it.each([
    ['123\n', 123],
    ['0', 0],
    ['18446744073709551615\n', 18446744073709551615],
  ])('parseCgroupUint(%j) = %d', (text, want) => {
    expect(parseCgroupUint(text, F)).toBe(want)
  })
  it.each(['', '\n', '-1', '1.5', 'max', '12 13', '0x10', '9'.repeat(21), '\u0000'])('parseCgroupUint rejects %j', (text) => {
    expect(() => parseCgroupUint(text, F)).toThrow(ParseError)
  })

  it.each([
    ['max\n', 0],
    ['9223372036854771712\n', 0], // v1 "no limit": above 2^62, as cAdvisor's specMemoryValue
    [`${2 ** 62}\n`, 2 ** 62],
    ['536870912\n', 536870912],
  ])('parseMemoryLimit(%j) = %d', (text, want) => {
    expect(parseMemoryLimit(text, F)).toBe(want)
  })
  it.each(['', 'maximum', '-1', 'max max'])('parseMemoryLimit rejects %j', (text) => {
    expect(() => parseMemoryLimit(text, F)).toThrow(ParseError)
  })

  it.each([
    ['max 100000\n', { quotaMicros: undefined, periodMicros: 100000 }],
    ['50000 100000\n', { quotaMicros: 50000, periodMicros: 100000 }],
    ['200000 50000', { quotaMicros: 200000, periodMicros: 50000 }],
    ['max\n', { quotaMicros: undefined, periodMicros: 100000 }],
  ])('parseCpuMax(%j)', (text, want) => {
    expect(parseCpuMax(text, F)).toEqual(want)
  })
  it.each(['', '\n', '1 2 3', 'max -1', 'x 100000', '-5 100000'])('parseCpuMax rejects %j', (text) => {
    expect(() => parseCpuMax(text, F)).toThrow(ParseError)
  })

  it.each([
    ['-1\n', undefined],
    ['-5', undefined],
    ['0\n', 0],
    ['150000\n', 150000],
  ])('parseCfsQuota(%j) = %s', (text, want) => {
    expect(parseCfsQuota(text, F)).toBe(want)
  })
  it.each(['', 'max', '1.0', '--1'])('parseCfsQuota rejects %j', (text) => {
    expect(() => parseCfsQuota(text, F)).toThrow(ParseError)
  })
})
