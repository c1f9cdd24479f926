import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { nfsCollector } from './nfs.ts'
import { NoDataError } from './types.ts'

const seq = (n: number, from: number) => Array.from({ length: n }, (_, i) => i + from).join(' ')
const NFS = ['net 10 11 12 13', 'rpc 500 6 7', `proc2 18 ${seq(18, 200)}`, `proc3 22 ${seq(22, 300)}`, 'proc4 3 40 41 42', ''].join('\n')

const collect = (text: string, args: string[] = [], path = 'net/rpc/nfs') => withProc({ [path]: text }, (o) => collectFrom(nfsCollector, { ...o, args }))

describe('nfs collector', () => {
  it('exports network and RPC counters with node_exporter names and labels', async () => {
    const families = await collect(NFS)
    expect(sampleValue(families, 'node_nfs_packets_total', { protocol: 'udp' })).toBe(11)
    expect(sampleValue(families, 'node_nfs_packets_total', { protocol: 'tcp' })).toBe(12)
    expect(sampleValue(families, 'node_nfs_connections_total')).toBe(13)
    expect(sampleValue(families, 'node_nfs_rpcs_total')).toBe(500)
    expect(sampleValue(families, 'node_nfs_rpc_retransmissions_total')).toBe(6)
    expect(sampleValue(families, 'node_nfs_rpc_authentication_refreshes_total')).toBe(7)
    expect(families.every((f) => f.type === 'counter')).toBe(true)
    expect(family(families, 'node_nfs_requests_total')?.help).toBe('Number of NFS procedures invoked.')
  })

  it('exports every v2, v3 and v4 procedure, Null included, zero-padded like procfs', async () => {
    const families = await collect(NFS)
    const requests = samplesOf(families, 'node_nfs_requests_total')
    expect(requests).toHaveLength(18 + 22 + 59)
    expect(sampleValue(families, 'node_nfs_requests_total', { proto: '2', method: 'Null' })).toBe(200)
    expect(sampleValue(families, 'node_nfs_requests_total', { proto: '3', method: 'Commit' })).toBe(321)
    expect(sampleValue(families, 'node_nfs_requests_total', { proto: '4', method: 'Write' })).toBe(42)
    expect(sampleValue(families, 'node_nfs_requests_total', { proto: '4', method: 'Clone' })).toBe(0)
  })

  it('reports zeros for the lines a kernel leaves out (no proc2 without NFSv2)', async () => {
    const families = await collect('net 1 2 3 4\nrpc 5 6 7\n')
    expect(sampleValue(families, 'node_nfs_requests_total', { proto: '2', method: 'Read' })).toBe(0)
    expect(samplesOf(families, 'node_nfs_requests_total')).toHaveLength(99)
  })

  it('reads the file of the --path.netns-pid namespace', async () => {
    const families = await collect(NFS, ['--path.netns-pid=77'], '77/net/rpc/nfs')
    expect(sampleValue(families, 'node_nfs_rpcs_total')).toBe(500)
  })

  it('fails on a malformed file; no file is no data', async () => {
    await expect(collect('rpc 1 2\n')).rejects.toBeInstanceOf(ParseError)
    await expect(collect(NFS, [], 'net/rpc/other')).rejects.toBeInstanceOf(NoDataError)
  })
})
