import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { nfsdCollector } from './nfsd.ts'
import { NoDataError } from './types.ts'

const seq = (n: number, from: number) => Array.from({ length: n }, (_, i) => i + from).join(' ')
const NFSD = [
  'rc 1 2 3',
  'fh 4 5 6 7 8',
  'io 1048576 2048',
  'th 16 0 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000',
  'ra 64 0 0 0 0 0 0 0 0 0 0 9',
  'net 100 10 90 5',
  'rpc 200 6 1 2 3',
  `proc2 18 ${seq(18, 200)}`,
  `proc3 22 ${seq(22, 300)}`,
  'proc4 2 1 2',
  `proc4ops 72 ${seq(72, 400)}`,
  'wdeleg_getattr 15',
  '',
].join('\n')

const collect = (text: string, path = 'net/rpc/nfsd') => withProc({ [path]: text }, (o) => collectFrom(nfsdCollector, o))

describe('nfsd collector', () => {
  it('exports the server families with node_exporter names, labels and types', async () => {
    const families = await collect(NFSD)
    const want: [string, Record<string, string>, number][] = [
      ['node_nfsd_reply_cache_hits_total', {}, 1],
      ['node_nfsd_reply_cache_misses_total', {}, 2],
      ['node_nfsd_reply_cache_nocache_total', {}, 3],
      ['node_nfsd_file_handles_stale_total', {}, 4],
      ['node_nfsd_disk_bytes_read_total', {}, 1048576],
      ['node_nfsd_disk_bytes_written_total', {}, 2048],
      ['node_nfsd_server_threads', {}, 16],
      ['node_nfsd_read_ahead_cache_size_blocks', {}, 64],
      ['node_nfsd_read_ahead_cache_not_found_total', {}, 9],
      ['node_nfsd_packets_total', { proto: 'udp' }, 10],
      ['node_nfsd_packets_total', { proto: 'tcp' }, 90],
      ['node_nfsd_connections_total', {}, 5],
      ['node_nfsd_rpc_errors_total', { error: 'fmt' }, 1],
      ['node_nfsd_rpc_errors_total', { error: 'auth' }, 2],
      ['node_nfsd_rpc_errors_total', { error: 'cInt' }, 3],
      ['node_nfsd_server_rpcs_total', {}, 200],
    ]
    for (const [name, labels, value] of want) {
      expect(sampleValue(families, name, labels), name).toBe(value)
    }
    const gauges = families.filter((f) => f.type === 'gauge').map((f) => f.name)
    expect(gauges).toEqual(['node_nfsd_server_threads', 'node_nfsd_read_ahead_cache_size_blocks'])
    expect(family(families, 'node_nfsd_file_handles_stale_total')?.help).toBe('Total number of NFSd stale file handles')
  })

  it('exports the procedures node_exporter does, plus WdelegGetattr', async () => {
    const families = await collect(NFSD)
    expect(samplesOf(families, 'node_nfsd_requests_total')).toHaveLength(17 + 21 + 35 + 1)
    expect(sampleValue(families, 'node_nfsd_requests_total', { proto: '2', method: 'GetAttr' })).toBe(201)
    expect(sampleValue(families, 'node_nfsd_requests_total', { proto: '3', method: 'Commit' })).toBe(321)
    expect(sampleValue(families, 'node_nfsd_requests_total', { proto: '4', method: 'Access' })).toBe(403)
    expect(sampleValue(families, 'node_nfsd_requests_total', { proto: '4', method: 'RelLockOwner' })).toBe(439)
    expect(sampleValue(families, 'node_nfsd_requests_total', { proto: '4', method: 'WdelegGetattr' })).toBe(15)
    for (const method of ['Null', 'Op0Unused', 'Op2Future', 'PutPubFH', 'PutRootFH', 'Compound']) {
      expect(
        samplesOf(families, 'node_nfsd_requests_total').filter((s) => s.labels.method === method),
        method,
      ).toEqual([])
    }
  })

  it('reports zeros for absent lines, as node_exporter does', async () => {
    const families = await collect('rc 1 2 3\n')
    expect(sampleValue(families, 'node_nfsd_server_threads')).toBe(0)
    expect(sampleValue(families, 'node_nfsd_requests_total', { proto: '4', method: 'WdelegGetattr' })).toBe(0)
    expect(samplesOf(families, 'node_nfsd_requests_total')).toHaveLength(74)
  })

  it('fails on a malformed file; no file is no data', async () => {
    await expect(collect('th 8\n')).rejects.toBeInstanceOf(ParseError)
    await expect(collect(NFSD, 'net/rpc/nfs')).rejects.toBeInstanceOf(NoDataError)
  })
})
