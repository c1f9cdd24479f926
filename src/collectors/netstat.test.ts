import { describe, expect, it } from 'vitest'
import { collectFrom, family, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B, withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { netstatCollector } from './netstat.ts'
import { NoDataError } from './types.ts'

describe('netstat collector', () => {
  it('merges netstat, snmp and snmp6 and applies the default field filter', async () => {
    const families = await collectFrom(netstatCollector, HOST_B)
    expect(sampleValue(families, 'node_netstat_TcpExt_TCPTimeouts')).toBe(60)
    expect(sampleValue(families, 'node_netstat_IpExt_InOctets')).toBe(123456789012)
    expect(sampleValue(families, 'node_netstat_Tcp_CurrEstab')).toBe(12)
    expect(sampleValue(families, 'node_netstat_Udp6_InDatagrams')).toBe(70)
    expect(sampleValue(families, 'node_netstat_Ip_Forwarding')).toBe(2)
    expect(family(families, 'node_netstat_Tcp_InErrs')).toMatchObject({ type: 'untyped', help: 'Statistic TcpInErrs.' })
    // Not in the default set:
    expect(family(families, 'node_netstat_TcpExt_TCPLossProbes')).toBeUndefined()
    expect(family(families, 'node_netstat_Tcp_MaxConn')).toBeUndefined()
    expect(family(families, 'node_netstat_Ip6_InReceives')).toBeUndefined()
  })

  it('honours --collector.netstat.fields', async () => {
    const families = await collectFrom(netstatCollector, { ...HOST_B, args: ['--collector.netstat.fields=^Tcp_MaxConn$'] })
    expect(families.map((f) => [f.name, f.samples[0]?.value])).toEqual([['node_netstat_Tcp_MaxConn', -1]])
  })

  it('works without snmp6 (IPv6 disabled)', async () => {
    const files = { 'net/netstat': 'TcpExt: ListenDrops\nTcpExt: 3\n', 'net/snmp': 'Udp: InErrors\nUdp: 1\n' }
    const families = await withProc(files, (o) => collectFrom(netstatCollector, o))
    expect(families.map((f) => f.name)).toEqual(['node_netstat_TcpExt_ListenDrops', 'node_netstat_Udp_InErrors'])
  })

  it('fails on a malformed selected value or file; no files is no data', async () => {
    const bad = { 'net/netstat': 'TcpExt: ListenDrops\nTcpExt: many\n', 'net/snmp': '' }
    await expect(withProc(bad, (o) => collectFrom(netstatCollector, o))).rejects.toBeInstanceOf(ParseError)
    const truncated = { 'net/netstat': 'TcpExt: ListenDrops\n', 'net/snmp': '' }
    await expect(withProc(truncated, (o) => collectFrom(netstatCollector, o))).rejects.toBeInstanceOf(ParseError)
    await expect(collectFrom(netstatCollector)).rejects.toBeInstanceOf(NoDataError)
  })
})
