import { describe, expect, it } from 'vitest'
import { parseNetStats, parseSnmp6 } from './netstat.ts'
import { ParseError } from './parse-error.ts'

const NETSTAT = 'TcpExt: ListenDrops TCPTimeouts\nTcpExt: 3 77\nIpExt: InOctets OutOctets\nIpExt: 18446744073709551616 12\n'

describe('parseNetStats', () => {
  it('pairs header and value lines per protocol', () => {
    const stats = parseNetStats(NETSTAT, 'netstat')
    expect(Object.fromEntries(stats.get('TcpExt') ?? [])).toEqual({ ListenDrops: '3', TCPTimeouts: '77' })
    expect(stats.get('IpExt')?.get('InOctets')).toBe('18446744073709551616')
  })

  it('tolerates CRLF, trailing blanks and repeated spaces', () => {
    const stats = parseNetStats('Ip: Forwarding  DefaultTTL \r\nIp: 1 64\r\n', 'snmp')
    expect(Object.fromEntries(stats.get('Ip') ?? [])).toEqual({ Forwarding: '1', DefaultTTL: '64' })
  })

  it('returns nothing for an empty file', () => {
    expect(parseNetStats('', 'snmp').size).toBe(0)
  })

  it.each([
    ['truncated after a header', 'Tcp: A B\n'],
    ['count mismatch', 'Tcp: A B\nTcp: 1\n'],
    ['protocol mismatch', 'Tcp: A\nUdp: 1\n'],
    ['no colon', 'Tcp A\nTcp 1\n'],
  ])('rejects %s', (_what, text) => {
    expect(() => parseNetStats(text, 'snmp')).toThrowError(ParseError)
  })
})

describe('parseSnmp6', () => {
  it('splits names at the first 6', () => {
    const stats = parseSnmp6('Ip6InReceives \t 7\nIcmp6OutMsgs 8\r\nUdpLite6InErrors 0\nbogus\nNoSix 1\n')
    expect(stats.get('Ip6')?.get('InReceives')).toBe('7')
    expect(stats.get('Icmp6')?.get('OutMsgs')).toBe('8')
    expect(stats.get('UdpLite6')?.get('InErrors')).toBe('0')
    expect([...stats.keys()]).toEqual(['Ip6', 'Icmp6', 'UdpLite6'])
  })
})
