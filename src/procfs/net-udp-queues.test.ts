import { describe, expect, it } from 'vitest'
import { parseUdpQueues } from './net-udp-queues.ts'
import { ParseError } from './parse-error.ts'

const HEADER = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n'
const line = (sl: number, queues: string, drops = '0', local = '0100007F:0035') =>
  `  ${sl}: ${local} 00000000:0000 07 ${queues} 00:00000000 00000000   101        0 31337 2 0000000000000000 ${drops}\n`
const V6 = '00000000000000000000000001000000:0223'

describe('parseUdpQueues', () => {
  it('sums tx_queue and rx_queue over IPv4 and IPv6 sockets', () => {
    const text = HEADER + line(0, '00000100:00000000') + line(1, '00000001:00000a00', '3') + line(2, '00000000:00000002', '4', V6)
    expect(parseUdpQueues(text, 'udp')).toEqual({ txQueue: 257, rxQueue: 2562, sockets: 3 })
  })

  it.each([
    ['empty file', ''],
    ['header only', HEADER],
    ['header without newline', HEADER.trimEnd()],
  ])('reads %s as zero sockets', (_, text) => {
    expect(parseUdpQueues(text, 'udp')).toEqual({ txQueue: 0, rxQueue: 0, sockets: 0 })
  })

  it('skips the first line whatever it holds, tolerates CRLF and extra columns', () => {
    const text = `garbage header\r\n${line(0, '0000000A:0000000B').replace('\n', ' extra col\r\n')}`
    expect(parseUdpQueues(text, 'udp')).toMatchObject({ txQueue: 10, rxQueue: 11, sockets: 1 })
  })

  it('sums the largest queues the kernel prints (32-bit) exactly; a 64-bit one keeps its magnitude', () => {
    expect(parseUdpQueues(HEADER + line(0, 'FFFFFFFF:00000000') + line(1, 'FFFFFFFF:00000000'), 'udp').txQueue).toBe(2 * 0xffffffff)
    expect(parseUdpQueues(HEADER + line(0, 'FFFFFFFFFFFFFFFF:0'), 'udp').txQueue).toBe(2 ** 64)
  })

  it('does not decode the columns node_exporter does not export (addresses, uid, inode, drops)', () => {
    const odd = line(0, '00000003:00000004', '-1', 'ZZ00007F:00G5')
    expect(parseUdpQueues(HEADER + odd, 'udp')).toEqual({ txQueue: 3, rxQueue: 4, sockets: 1 })
  })

  it.each([
    ['a blank line after the header', `${HEADER}\n${line(0, '0:0')}`, /udp line 2: 0 columns/],
    ['a truncated line', `${HEADER}  0: 0100007F:0035 00000000:0000 07 00000000:00000000\n`, /line 2: 5 columns/],
    ['a line without drops (10 columns)', `${HEADER}  0: 0100007F:0035 00000000:0000 07 0:0 00:00000000 00000000 0 0 1\n`, /10 columns/],
    ['tx/rx without a colon', HEADER + line(0, '00000000'), /not two hex numbers/],
    ['tx/rx with two colons', HEADER + line(0, '0:0:0'), /not two hex numbers/],
    ['a malformed hex queue', HEADER + line(0, '0000000G:00000000'), /tx_queue:rx_queue/],
    ['a 0x-prefixed queue', HEADER + line(0, '0x1:0'), /tx_queue:rx_queue/],
    ['an empty rx_queue', HEADER + line(0, '00000001:'), /rx_queue/],
    ['a queue above 2^64', HEADER + line(0, '10000000000000000:0'), /tx_queue "10000000000000000" is not a 64-bit/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseUdpQueues(text, 'udp')).toThrowError(ParseError)
    expect(() => parseUdpQueues(text, 'udp')).toThrowError(message)
  })
})
