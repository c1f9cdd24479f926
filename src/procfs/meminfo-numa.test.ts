import { describe, expect, it } from 'vitest'
import { parseNodeMeminfo, parseNumastat } from './meminfo-numa.ts'
import { ParseError } from './parse-error.ts'

describe('parseNodeMeminfo', () => {
  it('parses per-node lines, kB to bytes, no _bytes suffix', () => {
    expect(parseNodeMeminfo('Node 0 MemTotal:       134182340 kB\nNode 0 Active(anon):     691324 kB\nNode 0 HugePages_Total:     0\n')).toEqual([
      { node: '0', name: 'MemTotal', value: 134182340 * 1024 },
      { node: '0', name: 'Active_anon', value: 691324 * 1024 },
      { node: '0', name: 'HugePages_Total', value: 0 },
    ])
  })

  it.each([
    ['an empty file', '', 0],
    ['CRLF and blank lines', '\r\nNode 1 MemFree: 1 kB\r\n\r\n', 1],
    ['values above 2^53', 'Node 0 Huge: 18446744073709551615\n', 1],
  ])('handles %s', (_name, text, count) => {
    expect(parseNodeMeminfo(text)).toHaveLength(count)
  })

  it.each(['Node 0 MemTotal:', 'Node x MemTotal: 1 kB', 'Nod 0 MemTotal: 1 kB', 'Node 0 MemTotal: 1 MB', 'Node 0 MemTotal: abc kB'])('rejects %j', (text) => {
    expect(() => parseNodeMeminfo(text)).toThrowError(ParseError)
  })
})

describe('parseNumastat', () => {
  it('makes every field a <field>_total counter for the node', () => {
    expect(parseNumastat('numa_hit 193460335812\nnuma_miss 12624528\r\n\n', '1')).toEqual([
      { node: '1', name: 'numa_hit_total', value: 193460335812 },
      { node: '1', name: 'numa_miss_total', value: 12624528 },
    ])
  })

  it.each(['numa_hit', 'numa_hit 1 2', 'numa_hit x'])('rejects %j', (text) => {
    expect(() => parseNumastat(text, '0')).toThrowError(ParseError)
  })
})
