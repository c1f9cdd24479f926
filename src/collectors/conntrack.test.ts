import { describe, expect, it } from 'vitest'
import { collectFrom, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B, withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { conntrackCollector } from './conntrack.ts'
import { NoDataError } from './types.ts'

describe('conntrack collector', () => {
  it('exports table size, limit and per-CPU statistics summed', async () => {
    const families = await collectFrom(conntrackCollector, HOST_B)
    expect(sampleValue(families, 'node_nf_conntrack_entries')).toBe(300)
    expect(sampleValue(families, 'node_nf_conntrack_entries_limit')).toBe(262144)
    expect(sampleValue(families, 'node_nf_conntrack_stat_found')).toBe(3)
    expect(sampleValue(families, 'node_nf_conntrack_stat_invalid')).toBe(0x30)
    expect(sampleValue(families, 'node_nf_conntrack_stat_ignore')).toBe(0x300)
    expect(sampleValue(families, 'node_nf_conntrack_stat_insert_failed')).toBe(1)
    expect(sampleValue(families, 'node_nf_conntrack_stat_early_drop')).toBe(2)
    expect(sampleValue(families, 'node_nf_conntrack_stat_search_restart')).toBe(7)
  })

  it('reports no data without the module and fails on a garbled count', async () => {
    await expect(collectFrom(conntrackCollector)).rejects.toBeInstanceOf(NoDataError)
    const files = { 'sys/net/netfilter/nf_conntrack_count': '1e3\n', 'sys/net/netfilter/nf_conntrack_max': '10\n' }
    await expect(withProc(files, (o) => collectFrom(conntrackCollector, o))).rejects.toBeInstanceOf(ParseError)
  })
})
