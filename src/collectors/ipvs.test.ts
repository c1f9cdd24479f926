import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { IpvsLabelsError, ipvsCollector, parseIpvsLabels } from './ipvs.ts'
import { NoDataError } from './types.ts'

const STATS =
  '   Total Incoming Outgoing         Incoming         Outgoing\n   Conns  Packets  Packets            Bytes            Bytes\n      64      3E8       C8     20000000000000                A\n\n Conns/s   Pkts/s   Pkts/s          Bytes/s          Bytes/s\n       0        0        0                0                0\n'

// Two TCP services on 10.0.0.1 (ports 80 and 443) sharing real server 10.0.1.2, an IPv6
// UDP service, and a firewall-mark service whose two entries for 10.0.1.2:80 repeat.
const IP_VS = [
  'IP Virtual Server version 1.2.1 (size=4096)',
  'Prot LocalAddress:Port Scheduler Flags',
  '  -> RemoteAddress:Port Forward Weight ActiveConn InActConn',
  'TCP  0A000001:0050 rr',
  '  -> 0A000102:0050      Masq    1      10         1',
  '  -> 0A000103:0050      Masq    2      20         2',
  'TCP  0A000001:01BB rr',
  '  -> 0A000102:01BB      Masq    3      30         3',
  'UDP  [fd00:0000:0000:0000:0000:0000:0000:0053]:0035 rr',
  '  -> [fd00:0000:0000:0000:0000:0000:0001:0053]:0035 Route 4 40 4',
  'FWM  00000007 wlc',
  '  -> 0A000102:0050      Tunnel  5      50         5',
  '  -> 0A000102:0050      Tunnel  6      60         6',
  '',
].join('\n')

const FILES = { 'net/ip_vs_stats': STATS, 'net/ip_vs': IP_VS }

describe('ipvs collector', () => {
  it('exports the totals as counters', async () => {
    const families = await withProc(FILES, (o) => collectFrom(ipvsCollector, o))
    expect(sampleValue(families, 'node_ipvs_connections_total')).toBe(100)
    expect(sampleValue(families, 'node_ipvs_incoming_packets_total')).toBe(1000)
    expect(sampleValue(families, 'node_ipvs_outgoing_packets_total')).toBe(200)
    expect(sampleValue(families, 'node_ipvs_incoming_bytes_total')).toBe(2 ** 53)
    expect(sampleValue(families, 'node_ipvs_outgoing_bytes_total')).toBe(10)
    expect(family(families, 'node_ipvs_connections_total')).toMatchObject({ type: 'counter', help: 'The total number of connections made.' })
  })

  it('labels each real server with all six labels by default, summing repeats', async () => {
    const families = await withProc(FILES, (o) => collectFrom(ipvsCollector, o))
    expect(samplesOf(families, 'node_ipvs_backend_weight')).toHaveLength(5)
    const first = { local_address: '10.0.0.1', local_port: '80', remote_address: '10.0.1.2', remote_port: '80', proto: 'TCP', local_mark: '' }
    expect(
      samplesOf(families, 'node_ipvs_backend_connections_active').find((s) => s.labels.local_port === '80' && s.labels.proto === 'TCP' && s.labels.remote_address === '10.0.1.2')
        ?.labels,
    ).toEqual(first)
    expect(sampleValue(families, 'node_ipvs_backend_connections_active', first)).toBe(10)
    const v6 = { local_address: 'fd00::53', local_port: '53', remote_address: 'fd00::1:53', proto: 'UDP' }
    expect(sampleValue(families, 'node_ipvs_backend_connections_inactive', v6)).toBe(4)
    const fwm = { local_address: '', local_port: '0', local_mark: '00000007', proto: 'FWM', remote_address: '10.0.1.2' }
    expect(sampleValue(families, 'node_ipvs_backend_connections_active', fwm)).toBe(110)
    expect(sampleValue(families, 'node_ipvs_backend_connections_inactive', fwm)).toBe(11)
    expect(sampleValue(families, 'node_ipvs_backend_weight', fwm)).toBe(11)
    expect(family(families, 'node_ipvs_backend_weight')).toMatchObject({ type: 'gauge', help: 'The current backend weight by local and remote address.' })
  })

  it.each([
    [
      'local_port',
      [
        ['80', 30, 3, 3],
        ['443', 30, 3, 3],
        ['53', 40, 4, 4],
        ['0', 110, 11, 11],
      ],
    ],
    [
      'remote_port,local_port',
      [
        ['80', 30, 3, 3],
        ['443', 30, 3, 3],
        ['53', 40, 4, 4],
        ['0', 110, 11, 11],
      ],
    ],
  ] as const)('sums real servers sharing --collector.ipvs.backend-labels=%s', async (flag, rows) => {
    const families = await withProc(FILES, (o) => collectFrom(ipvsCollector, { ...o, args: [`--collector.ipvs.backend-labels=${flag}`] }))
    for (const [port, active, inactive, weight] of rows) {
      expect(sampleValue(families, 'node_ipvs_backend_connections_active', { local_port: port })).toBe(active)
      expect(sampleValue(families, 'node_ipvs_backend_connections_inactive', { local_port: port })).toBe(inactive)
      expect(sampleValue(families, 'node_ipvs_backend_weight', { local_port: port })).toBe(weight)
    }
    const names = new Set(samplesOf(families, 'node_ipvs_backend_weight').flatMap((s) => Object.keys(s.labels)))
    expect([...names].sort()).toEqual(flag.split(',').sort())
  })

  it('sums everything into one unlabelled sample with an empty label list', async () => {
    const families = await withProc(FILES, (o) => collectFrom(ipvsCollector, { ...o, args: ['--collector.ipvs.backend-labels='] }))
    expect(samplesOf(families, 'node_ipvs_backend_connections_active')).toEqual([{ labels: {}, value: 210 }])
    expect(samplesOf(families, 'node_ipvs_backend_weight')).toEqual([{ labels: {}, value: 21 }])
  })

  it('exports only the totals when no real server is configured', async () => {
    const families = await withProc({ ...FILES, 'net/ip_vs': IP_VS.split('\n').slice(0, 3).join('\n') }, (o) => collectFrom(ipvsCollector, o))
    expect(families.map((f) => f.name).sort()).toEqual([
      'node_ipvs_connections_total',
      'node_ipvs_incoming_bytes_total',
      'node_ipvs_incoming_packets_total',
      'node_ipvs_outgoing_bytes_total',
      'node_ipvs_outgoing_packets_total',
    ])
  })

  it('reads the --path.netns-pid process namespace', async () => {
    const files = { 'net/ip_vs_stats': STATS.replace('64', '1'), 'net/ip_vs': IP_VS, '4242/net/ip_vs_stats': STATS, '4242/net/ip_vs': IP_VS }
    const families = await withProc(files, (o) => collectFrom(ipvsCollector, { ...o, args: ['--path.netns-pid=4242'] }))
    expect(sampleValue(families, 'node_ipvs_connections_total')).toBe(100)
  })

  it('reports no data without ip_vs_stats, and fails on a missing ip_vs or a malformed file', async () => {
    await expect(collectFrom(ipvsCollector)).rejects.toBeInstanceOf(NoDataError)
    await expect(withProc({ 'net/ip_vs_stats': STATS }, (o) => collectFrom(ipvsCollector, o))).rejects.toThrowError(/couldn't read .*ip_vs/)
    await expect(withProc({ ...FILES, 'net/ip_vs_stats': 'x\n' }, (o) => collectFrom(ipvsCollector, o))).rejects.toBeInstanceOf(ParseError)
    const bad = IP_VS.replace('0A000103:0050', '0A00010Z:0050')
    await expect(withProc({ ...FILES, 'net/ip_vs': bad }, (o) => collectFrom(ipvsCollector, o))).rejects.toThrowError(/ip_vs line 6/)
  })

  it('rejects unknown backend labels', async () => {
    await expect(withProc(FILES, (o) => collectFrom(ipvsCollector, { ...o, args: ['--collector.ipvs.backend-labels=invalid_label,bad_label'] }))).rejects.toThrowError(
      'unknown IPVS backend labels: "bad_label, invalid_label"',
    )
  })
})

describe('parseIpvsLabels', () => {
  it.each([
    ['local_address,local_port,remote_address,remote_port,proto,local_mark', ['local_address', 'local_port', 'remote_address', 'remote_port', 'proto', 'local_mark']],
    ['local_mark,local_address', ['local_address', 'local_mark']],
    ['proto,,proto,', ['proto']],
    ['', []],
  ] as const)('%j -> %j (canonical order, repeats and empty items dropped)', (text, want) => {
    expect(parseIpvsLabels(text)).toEqual(want)
  })

  it.each([
    ['invalid_label', '"invalid_label"'],
    ['proto,zz,aa', '"aa, zz"'],
    [' proto', '" proto"'],
  ])('rejects %j', (text, listed) => {
    expect(() => parseIpvsLabels(text)).toThrowError(IpvsLabelsError)
    expect(() => parseIpvsLabels(text)).toThrowError(`unknown IPVS backend labels: ${listed}`)
  })
})
