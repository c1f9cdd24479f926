import { describe, expect, it } from 'vitest'
import { collectFrom, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B, withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { sockstatCollector } from './sockstat.ts'
import { NoDataError } from './types.ts'

describe('sockstat collector', () => {
  it('exports IPv4 and IPv6 socket counts, mem also in bytes', async () => {
    const families = await collectFrom(sockstatCollector, HOST_B)
    expect(sampleValue(families, 'node_sockstat_sockets_used')).toBe(512)
    expect(sampleValue(families, 'node_sockstat_TCP_tw')).toBe(9)
    expect(sampleValue(families, 'node_sockstat_TCP_mem')).toBe(6)
    expect(sampleValue(families, 'node_sockstat_TCP_mem_bytes')).toBe(6 * 4096)
    expect(sampleValue(families, 'node_sockstat_FRAG6_memory')).toBe(0)
    expect(sampleValue(families, 'node_sockstat_TCP6_inuse')).toBe(8)
    expect(samplesOf(families, 'node_sockstat_UDPLITE_mem')).toEqual([])
  })

  it('uses the page size from <procfs>/self/smaps', async () => {
    const files = { 'net/sockstat': 'TCP: inuse 1 mem 2\n', 'self/smaps': '55d0-55d1 r--p 0 08:01 1 /x\nSize: 4 kB\nKernelPageSize:       64 kB\n' }
    const families = await withProc(files, (o) => collectFrom(sockstatCollector, o))
    expect(sampleValue(families, 'node_sockstat_TCP_mem_bytes')).toBe(2 * 65536)
  })

  it('works with only one of the two files', async () => {
    const families = await withProc({ 'net/sockstat6': 'UDP6: inuse 3\n' }, (o) => collectFrom(sockstatCollector, o))
    expect(families.map((f) => f.name)).toEqual(['node_sockstat_UDP6_inuse'])
  })

  it('fails on malformed lines; neither file is no data', async () => {
    await expect(withProc({ 'net/sockstat': 'TCP: inuse\n' }, (o) => collectFrom(sockstatCollector, o))).rejects.toBeInstanceOf(ParseError)
    await expect(collectFrom(sockstatCollector)).rejects.toBeInstanceOf(NoDataError)
  })
})
