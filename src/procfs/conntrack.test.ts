import { describe, expect, it } from 'vitest'
import { parseConntrackStat } from './conntrack.ts'
import { ParseError } from './parse-error.ts'

describe('parseConntrackStat', () => {
  it('sums hex columns over CPUs by header name', () => {
    const totals = parseConntrackStat('entries  found invalid search_restart\n0000000a  00000001 0000000f 00000002\r\n0000000a  00000002 00000001 ffffffff\n')
    expect(totals.get('found')).toBe(3)
    expect(totals.get('invalid')).toBe(16)
    expect(totals.get('search_restart')).toBe(0xffffffff + 2)
  })

  it('accepts a header without CPU rows', () => {
    expect(parseConntrackStat('entries found\n').get('found')).toBe(0)
  })

  it.each(['', '\n', 'a b\n1\n', 'a b\n1 zz\n'])('rejects %j', (text) => {
    expect(() => parseConntrackStat(text)).toThrowError(ParseError)
  })
})
