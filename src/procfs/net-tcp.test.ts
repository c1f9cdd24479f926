import { describe, expect, it } from 'vitest'
import { parseNetTcp } from './net-tcp.ts'
import { ParseError } from './parse-error.ts'

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0D05 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0
   1: 0100007F:B3A2 0100007F:0D05 01 00000000:00000000 00:00000000 00000000  1000        0 424242 1 0000000000000000 20 4 30 10 -1
`

const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 555 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:C000 0000000000000000FFFF00000100007F:0D05 02 00000000:00000000 00:00000000 00000000     0        0 18446744073709551615 1
   2: 000080FE00000000FF5E0A02FE7A5C11:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9 1
`

describe('parseNetTcp', () => {
  it('decodes IPv4 sockets', () => {
    expect(parseNetTcp(TCP)).toEqual([
      { localAddress: '127.0.0.1', localPort: 3333, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', uid: 0, inode: '31337' },
      { localAddress: '127.0.0.1', localPort: 45986, remoteAddress: '127.0.0.1', remotePort: 3333, state: 'ESTABLISHED', uid: 1000, inode: '424242' },
    ])
  })

  it('decodes IPv6, IPv4-mapped addresses and inodes above 2^53', () => {
    const s = parseNetTcp(TCP6)
    expect(s[0]).toMatchObject({ localAddress: '::1', localPort: 8080, state: 'LISTEN' })
    expect(s[1]).toMatchObject({ localAddress: '127.0.0.1', remoteAddress: '127.0.0.1', remotePort: 3333, state: 'SYN_SENT', inode: '18446744073709551615' })
    expect(s[2]?.localAddress).toBe('fe80::20a:5eff:115c:7afe')
  })

  it('accepts an empty table and CRLF', () => {
    expect(parseNetTcp('')).toEqual([])
    expect(parseNetTcp(TCP.replace(/\n/g, '\r\n'))).toHaveLength(2)
  })

  it.each([
    '   0: 0100007F:0D05 00000000:0000 0A',
    '   0: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1',
    '   0: 0100007G:0D05 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1',
    '   0: 0100:0D05 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 1 1',
    '   0: 0100007F:0D05 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 x 1',
  ])('rejects %j', (text) => {
    expect(() => parseNetTcp(text)).toThrowError(ParseError)
  })
})
