import { describe, expect, it } from 'vitest'
import { ATF_COMPLETE, arpEntriesByDevice, parseArp } from './arp.ts'
import { ParseError } from './parse-error.ts'

const HEADER = 'IP address       HW type     Flags       HW address            Mask     Device\n'

describe('parseArp', () => {
  it('parses entries and counts them per device, incomplete ones included', () => {
    const text =
      HEADER +
      '10.1.0.1         0x1         0x2         52:54:00:12:34:56     *        enp1s0\n' +
      '10.1.0.9         0x1         0x0         00:00:00:00:00:00     *        enp1s0\n' +
      '172.17.0.3       0x1         0x6         02:42:ac:11:00:03     *        docker0\n'
    const entries = parseArp(text, 'arp')
    expect(entries).toEqual([
      { ip: '10.1.0.1', flags: 2, hwAddress: '52:54:00:12:34:56', device: 'enp1s0' },
      { ip: '10.1.0.9', flags: 0, hwAddress: '00:00:00:00:00:00', device: 'enp1s0' },
      { ip: '172.17.0.3', flags: 6, hwAddress: '02:42:ac:11:00:03', device: 'docker0' },
    ])
    expect(entries.map((e) => (e.flags & ATF_COMPLETE) !== 0)).toEqual([true, false, true])
    expect([...arpEntriesByDevice(entries)]).toEqual([
      ['enp1s0', 2],
      ['docker0', 1],
    ])
  })

  it.each([
    ['empty file', ''],
    ['header only', HEADER],
    ['blank and whitespace lines', `\n${HEADER}  \t\n\n`],
  ])('returns no entries for %s', (_, text) => {
    expect(parseArp(text, 'arp')).toEqual([])
  })

  it('tolerates CRLF, tabs and no final newline', () => {
    const text = `${HEADER.replace('\n', '\r\n')}10.0.0.1\t0x1\t0x2\tAA-BB-CC-DD-EE-FF\t*\teth0\r\n10.0.0.2 0x1 0x2 aabb.ccdd.eeff * eth0`
    expect(arpEntriesByDevice(parseArp(text, 'arp'))).toEqual(new Map([['eth0', 2]]))
  })

  it('accepts 8- and 20-byte hardware addresses (InfiniBand)', () => {
    const ib = '80:00:02:08:fe:80:00:00:00:00:00:00:0c:42:a1:03:00:9b:6e:21'
    expect(parseArp(`10.0.0.5 0x20 0x2 ${ib} * ib0\n10.0.0.6 0x1 0x2 01:02:03:04:05:06:07:08 * x0\n`, 'arp')).toHaveLength(2)
  })

  it.each([
    ['a truncated line', '10.0.0.1 0x1 0x2 aa:bb:cc:dd:ee:ff *\n', /arp line 1: 5 columns found/],
    ['an extra column', '10.0.0.1 0x1 0x2 aa:bb:cc:dd:ee:ff * eth0 x\n', /7 columns/],
    ['an empty HW address (addr_len 0)', `${HEADER}10.0.0.1 0x1 0x2                   *        tun0\n`, /arp line 2: 5 columns/],
    ['a malformed HW address', '10.0.0.1 0x1 0x2 aa:bb:cc:dd:ee * eth0\n', /invalid HW address/],
    ['mixed MAC separators', '10.0.0.1 0x1 0x2 aa:bb-cc:dd:ee:ff * eth0\n', /invalid HW address/],
    ['a one-digit MAC group', '10.0.0.1 0x1 0x2 a:bb:cc:dd:ee:ff0 * eth0\n', /invalid HW address/],
    ['flags that are not hex', '10.0.0.1 0x1 0xZZ aa:bb:cc:dd:ee:ff * eth0\n', /flags/],
    ['flags above 8 bits', '10.0.0.1 0x1 0x100 aa:bb:cc:dd:ee:ff * eth0\n', /out of range/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseArp(text, 'arp')).toThrowError(ParseError)
    expect(() => parseArp(text, 'arp')).toThrowError(message)
  })
})
