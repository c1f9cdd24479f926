import { describe, expect, it } from 'vitest'
import { raplZoneName, sanitizeMetricName } from './rapl.ts'

describe('raplZoneName', () => {
  it('takes the index from "name-N" and counts repeated plain names', () => {
    const seen = new Map<string, number>()
    expect(['package-0', 'core', 'dram', 'package-1', 'dram', 'psys-x', 'a-b-1'].map((n) => raplZoneName(n, seen))).toEqual([
      { name: 'package', index: 0 },
      { name: 'core', index: 0 },
      { name: 'dram', index: 0 },
      { name: 'package', index: 1 },
      { name: 'dram', index: 1 },
      { name: 'psys-x', index: 0 },
      { name: 'a-b-1', index: 0 },
    ])
  })
})

describe('sanitizeMetricName', () => {
  it.each([
    ['package', 'package'],
    ['psys-x', 'psys_x'],
    ['a_-_b', 'a_b'],
    ['a b:c', 'a_b_c'],
  ])('%j -> %j', (raw, want) => {
    expect(sanitizeMetricName(raw)).toBe(want)
  })
})
