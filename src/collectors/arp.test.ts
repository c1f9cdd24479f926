import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf } from '../../test/helpers/collect.ts'
import { withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { arpCollector } from './arp.ts'
import { FlagError } from '../config/flag-spec.ts'
import { NoDataError } from './types.ts'

const ARP =
  'IP address       HW type     Flags       HW address            Mask     Device\n' +
  '10.20.0.1        0x1         0x2         52:54:00:aa:00:01     *        br0\n' +
  '10.20.0.7        0x1         0x0         00:00:00:00:00:00     *        br0\n' +
  '10.30.0.2        0x1         0x2         52:54:00:bb:00:02     *        vlan30\n' +
  '172.18.0.4       0x1         0x2         02:42:ac:12:00:04     *        docker0\n'

const byDevice = (families: Awaited<ReturnType<typeof collectFrom>>) => Object.fromEntries(samplesOf(families, 'node_arp_entries').map((s) => [s.labels.device, s.value]))

describe('arp collector', () => {
  it('counts entries per device, incomplete ones included, with node_exporter name and help', async () => {
    const families = await withProc({ 'net/arp': ARP }, (o) => collectFrom(arpCollector, o))
    expect(byDevice(families)).toEqual({ br0: 2, vlan30: 1, docker0: 1 })
    expect(family(families, 'node_arp_entries')).toMatchObject({ type: 'gauge', help: 'ARP entries by device' })
  })

  it.each([
    [['--collector.arp.device-exclude=^docker'], { br0: 2, vlan30: 1 }],
    [['--collector.arp.device-include=^(br|vlan)'], { br0: 2, vlan30: 1 }],
    [['--collector.arp.device-include=^vlan30$'], { vlan30: 1 }],
  ])('filters devices with %j', async (args, want) => {
    const families = await withProc({ 'net/arp': ARP }, (o) => collectFrom(arpCollector, { ...o, args }))
    expect(byDevice(families)).toEqual(want)
  })

  it.each([[['--collector.arp.netlink']], [['--no-collector.arp.netlink']]])('accepts node_exporter flag %j and counts the same table', async (args) => {
    const families = await withProc({ 'net/arp': ARP }, (o) => collectFrom(arpCollector, { ...o, args }))
    expect(byDevice(families)).toEqual({ br0: 2, vlan30: 1, docker0: 1 })
  })

  it('rejects both filter flags together, at start when the flags are parsed', async () => {
    const args = ['--collector.arp.device-include=a', '--collector.arp.device-exclude=b']
    await expect(withProc({ 'net/arp': ARP }, async (o) => collectFrom(arpCollector, { ...o, args }))).rejects.toBeInstanceOf(FlagError)
  })

  it('reads the --path.netns-pid process namespace', async () => {
    const files = { 'net/arp': ARP, '4242/net/arp': '10.9.9.9 0x1 0x2 aa:bb:cc:dd:ee:ff * eth0\n' }
    const families = await withProc(files, (o) => collectFrom(arpCollector, { ...o, args: ['--path.netns-pid=4242'] }))
    expect(byDevice(families)).toEqual({ eth0: 1 })
  })

  it('exports nothing for a header-only table; fails on a malformed one; no file is no data', async () => {
    expect(await withProc({ 'net/arp': ARP.split('\n')[0] as string }, (o) => collectFrom(arpCollector, o))).toEqual([])
    await expect(withProc({ 'net/arp': `${ARP}10.0.0.1 0x1 0x2 zz * eth0\n` }, (o) => collectFrom(arpCollector, o))).rejects.toThrowError(ParseError)
    await expect(collectFrom(arpCollector)).rejects.toBeInstanceOf(NoDataError)
  })
})
