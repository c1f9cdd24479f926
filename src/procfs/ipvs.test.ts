import { describe, expect, it } from 'vitest'
import { formatIp, parseEndpoint, parseIpv6, parseIpvsBackends, parseIpvsStats } from './ipvs.ts'
import { ParseError } from './parse-error.ts'

const STATS = [
  '   Total Incoming Outgoing         Incoming         Outgoing',
  '   Conns  Packets  Packets            Bytes            Bytes',
  '     1F4     2710      3E8           10000A               FF',
  '',
  ' Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s',
  '       1        2        0               3                0',
  '',
].join('\n')

describe('parseIpvsStats', () => {
  it('reads the hex totals of the third line', () => {
    expect(parseIpvsStats(STATS, 'ip_vs_stats')).toEqual({
      connections: 500n,
      incomingPackets: 10000n,
      outgoingPackets: 1000n,
      incomingBytes: 0x10000an,
      outgoingBytes: 255n,
    })
  })

  it('tolerates CRLF and keeps 64-bit counters exact', () => {
    const text = STATS.replace('10000A', 'FFFFFFFFFFFFFFFF').replaceAll('\n', '\r\n')
    expect(parseIpvsStats(text, 'ip_vs_stats').incomingBytes).toBe(2n ** 64n - 1n)
  })

  it.each([
    ['empty', ''],
    ['header only', STATS.split('\n').slice(0, 2).join('\n')],
    ['truncated totals line', STATS.replace('               FF', '')],
    ['extra field', STATS.replace('FF\n', 'FF 1\n')],
    ['malformed hex', STATS.replace('3E8', '3G8')],
    ['hex prefix', STATS.replace('3E8', '0x3E8')],
    ['negative', STATS.replace('3E8', '-3E8')],
    ['over 64 bits', STATS.replace('10000A', '1FFFFFFFFFFFFFFFF')],
  ])('rejects %s', (_, text) => {
    expect(() => parseIpvsStats(text, '/proc/net/ip_vs_stats')).toThrowError(ParseError)
  })

  it('names the file and line', () => {
    expect(() => parseIpvsStats(STATS.replace('3E8', 'zz'), '/proc/net/ip_vs_stats')).toThrowError(/\/proc\/net\/ip_vs_stats line 3/)
  })
})

const HEADER = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port Forward Weight ActiveConn InActConn\n'

describe('parseIpvsBackends', () => {
  it('attributes real servers to their TCP, UDP and FWM services', () => {
    const text = `${HEADER}TCP  0A000001:0050 rr\n  -> 0A000102:1F90      Masq    1      3          4\nUDP  0A000001:0035 wrr\n  -> 0A000103:0035      Route   5      0          7\nFWM  0000002A wlc\n  -> 0A000104:0000      Tunnel  2      9          1\n`
    expect(parseIpvsBackends(text, 'ip_vs')).toEqual([
      { proto: 'TCP', localAddress: '10.0.0.1', localPort: 80, localMark: '', remoteAddress: '10.0.1.2', remotePort: 8080, weight: 1n, activeConn: 3n, inactConn: 4n },
      { proto: 'UDP', localAddress: '10.0.0.1', localPort: 53, localMark: '', remoteAddress: '10.0.1.3', remotePort: 53, weight: 5n, activeConn: 0n, inactConn: 7n },
      { proto: 'FWM', localAddress: '', localPort: 0, localMark: '0000002A', remoteAddress: '10.0.1.4', remotePort: 0, weight: 2n, activeConn: 9n, inactConn: 1n },
    ])
  })

  it('decodes bracketed IPv6 services and real servers', () => {
    const text = `${HEADER}TCP  [2001:0db8:0000:0000:0000:0000:0000:0001]:01BB rr\n  -> [fe80:0000:0000:0000:0202:b3ff:fe1e:8329]:01bb Masq 1 2 3\n  -> [0000:0000:0000:0000:0000:ffff:0a00:0005]:01BB Masq 1 0 0\r\n`
    const backends = parseIpvsBackends(text, 'ip_vs')
    expect(backends.map((b) => [b.localAddress, b.localPort, b.remoteAddress, b.remotePort])).toEqual([
      ['2001:db8::1', 443, 'fe80::202:b3ff:fe1e:8329', 443],
      ['2001:db8::1', 443, '10.0.0.5', 443],
    ])
  })

  it('keeps SCTP services apart and counts real servers before any service under empty labels', () => {
    const text = `${HEADER}  -> 0A000009:0050 Masq 1 1 1\nTCP  0A000001:0050 rr\nSCTP  0A000001:0B59 rr\n  -> 0A000002:0B59 Masq 1 1 1\n`
    expect(parseIpvsBackends(text, 'ip_vs').map((b) => [b.proto, b.localAddress, b.localPort])).toEqual([
      ['', '', 0],
      ['SCTP', '10.0.0.1', 2905],
    ])
  })

  it('skips blank, short and unknown lines; keeps huge counters exact', () => {
    const text = `\n${HEADER}\nTCP\nFWM\nICMP 0A000001:0000 rr\nTCP  0A000001:0050 rr\n  -> 0A000002:0050 Masq\n  -> 0A000003:0050 Masq 18446744073709551615 0 0 extra\n`
    expect(parseIpvsBackends(text, 'ip_vs')).toEqual([
      { proto: 'TCP', localAddress: '10.0.0.1', localPort: 80, localMark: '', remoteAddress: '10.0.0.3', remotePort: 80, weight: 2n ** 64n - 1n, activeConn: 0n, inactConn: 0n },
    ])
  })

  it('returns nothing for an empty file or headers only', () => {
    expect(parseIpvsBackends('', 'ip_vs')).toEqual([])
    expect(parseIpvsBackends(HEADER, 'ip_vs')).toEqual([])
  })

  it.each([
    ['malformed service address', 'TCP  0A00000G:0050 rr\n'],
    ['short service address', 'TCP  0A0001:0050 rr\n'],
    ['malformed port', 'TCP  0A000001:00x0 rr\n'],
    ['unbracketed IPv6', 'TCP  2001:0db8:0000:0000:0000:0000:0000:0001:01BB rr\n'],
    ['bad IPv6 group', 'TCP  [2001:0db8:0000:0000:0000:0000:0000:000g]:01BB rr\n'],
    ['malformed real server', 'TCP  0A000001:0050 rr\n  -> 0A000002-0050 Masq 1 0 0\n'],
    ['negative weight', 'TCP  0A000001:0050 rr\n  -> 0A000002:0050 Masq -1 0 0\n'],
    ['fractional count', 'TCP  0A000001:0050 rr\n  -> 0A000002:0050 Masq 1 1.5 0\n'],
    ['count over 64 bits', 'TCP  0A000001:0050 rr\n  -> 0A000002:0050 Masq 1 0 18446744073709551616\n'],
  ])('rejects %s, naming the line', (_, body) => {
    expect(() => parseIpvsBackends(HEADER + body, '/proc/net/ip_vs')).toThrowError(ParseError)
    expect(() => parseIpvsBackends(HEADER + body, '/proc/net/ip_vs')).toThrowError(/\/proc\/net\/ip_vs line [45]/)
  })
})

describe('address helpers', () => {
  it.each([
    ['C0A80016:0CEA', '192.168.0.22', 3306],
    ['c0a80016:0cea', '192.168.0.22', 3306],
    ['00000000:0000', '0.0.0.0', 0],
    ['20010DB8000000000000000000000001:0050', '2001:db8::1', 80],
    ['[0000:0000:0000:0000:0000:0000:0000:0000]:FFFF', '::', 65535],
  ] as const)('parseEndpoint(%j)', (field, address, port) => {
    expect(parseEndpoint(field, 'x')).toEqual([address, port])
  })

  it.each([
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], '::1'],
    [[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], '2001:db8:0:1::1'],
    [[0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1], '2001:0:0:1::1'],
    [[0x20, 0x01, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1], '2001::1:0:0:1:1'],
    [[0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1], '2001:db8:1:0:1:1:1:1'],
    [[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 'fe80::'],
    [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4], '1.2.3.4'],
  ])('formatIp(%j) = %s as Go prints it', (bytes, text) => {
    expect(formatIp(bytes)).toBe(text)
  })

  it('parses compressed IPv6 and rejects invalid forms', () => {
    expect(parseIpv6('2001:db8::1')).toEqual([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    for (const bad of ['1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7:8::', '12345::', ':1:2:3:4:5:6:7', '']) {
      expect(parseIpv6(bad)).toBeUndefined()
    }
  })
})
