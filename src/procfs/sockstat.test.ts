import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { parseSockstat } from './sockstat.ts'

describe('parseSockstat', () => {
  it('parses the IPv4 file with the sockets line', () => {
    const s = parseSockstat('sockets: used 31\nTCP: inuse 2 orphan 1 tw 5 alloc 9 mem 3\nUDP: inuse 1 mem 2\nFRAG: inuse 0 memory 0\n', 'sockstat')
    expect(s.used).toBe(31)
    expect(s.protocols.map((p) => [p.protocol, Object.fromEntries(p.fields)])).toEqual([
      ['TCP', { inuse: 2, orphan: 1, tw: 5, alloc: 9, mem: 3 }],
      ['UDP', { inuse: 1, mem: 2 }],
      ['FRAG', { inuse: 0, memory: 0 }],
    ])
  })

  it('parses the IPv6 file, defaults inuse and ignores unknown fields', () => {
    const s = parseSockstat('TCP6: inuse 3\r\nRAW6: weird 4\n', 'sockstat6')
    expect(s.used).toBeUndefined()
    expect(Object.fromEntries(s.protocols[1]?.fields ?? [])).toEqual({ inuse: 0 })
  })

  it('returns no protocols for an empty file', () => {
    expect(parseSockstat('', 'sockstat').protocols).toEqual([])
  })

  it.each(['TCP: inuse\n', 'TCP inuse 1\n', 'TCP: inuse x\n', 'TCP: inuse 1.5\n'])('rejects %j', (text) => {
    expect(() => parseSockstat(text, 'sockstat')).toThrowError(ParseError)
  })
})
