import { describe, expect, it } from 'vitest'
import { NETDEV_COLUMNS, parseNetDev } from './netdev.ts'
import { ParseError } from './parse-error.ts'

const HEADER = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
`

describe('parseNetDev', () => {
  it('maps the 16 columns to node_exporter keys', () => {
    const [eth0] = parseNetDev(`${HEADER}  eth0: 68210035552 520993275 1 2 3 4 5 6 9315587528 43451486 7 8 9 10 11 12\n`)
    expect(eth0?.device).toBe('eth0')
    expect([...(eth0?.counters.keys() ?? [])]).toEqual([...NETDEV_COLUMNS])
    expect(Object.fromEntries(eth0?.counters ?? [])).toMatchObject({
      receive_bytes: 68210035552,
      receive_frame: 4,
      receive_multicast: 6,
      transmit_colls: 10,
      transmit_carrier: 11,
      transmit_compressed: 12,
    })
  })

  it.each([
    ['an empty file', '', []],
    ['a header only', HEADER, []],
    ['CRLF line ends', `${HEADER}    lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\r\n`.replaceAll('\n', '\r\n'), ['lo']],
    ['a long name running into the first counter', `${HEADER}veth1234567:123 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n`, ['veth1234567']],
    ['a truncated last line (skipped)', `${HEADER}    lo: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n  eth0: 1 2 3`, ['lo']],
    ['a line without a colon (skipped)', `${HEADER}    lo 1 2 3\n`, []],
  ])('handles %s', (_name, text, devices) => {
    expect(parseNetDev(text).map((d) => d.device)).toEqual(devices)
  })

  it('keeps values above 2^53 as float64 does', () => {
    const [lo] = parseNetDev(`${HEADER}lo: 18446744073709551615 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n`)
    expect(lo?.counters.get('receive_bytes')).toBe(18446744073709551615)
  })

  it.each([
    ['a non-numeric counter', `${HEADER}lo: 1 2 x 4 5 6 7 8 9 10 11 12 13 14 15 16\n`],
    ['text that is not /proc/net/dev', 'hello world\n'],
  ])('rejects %s with ParseError', (_name, text) => {
    expect(() => parseNetDev(text)).toThrowError(ParseError)
  })
})
