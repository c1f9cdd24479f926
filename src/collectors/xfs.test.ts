import { describe, expect, it } from 'vitest'
import { collectFrom, family, runIsolated, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { withSys } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { NoDataError } from './types.ts'
import { xfsCollector } from './xfs.ts'

const STATS = [
  'extent_alloc 1 872 2 3',
  'abt 4 5 6 7',
  'blk_map 61 29 1 2 3 91 4',
  'bmbt 8 9 10 11',
  'dir 3 2 1 52',
  'trans 4 40 0',
  'ig 5 1 6 4 7 8 9',
  'log 8 21 0 5821 4',
  'push_ail 44 0 1102 15 0 2 0 2 0 2',
  'rw 28 12',
  'attr 0 0 0 0',
  'icluster 2 2 2',
  'vnodes 4 13 14 15 16 17 18 0',
  'buf 22 25 14 0 0 8 0 8 8',
  'xpc 3571712 3568056 0',
  'debug 0',
  '',
].join('\n')

describe('xfs collector', () => {
  it('exports node_exporter counters per device', async () => {
    const files = {
      'fs/xfs/sdb1/stats/stats': STATS,
      'fs/xfs/dm-0/stats/stats': 'rw 5 6\n',
      // The host-wide totals: no device, not read.
      'fs/xfs/stats/stats': 'rw 99 99\n',
    }
    const fams = await withSys(files, (o) => collectFrom(xfsCollector, o))
    expect(fams).toHaveLength(39)
    expect(samplesOf(fams, 'node_xfs_read_calls_total').map((s) => s.labels)).toEqual([{ device: 'dm-0' }, { device: 'sdb1' }])
    const sdb1 = { device: 'sdb1' }
    const want: Record<string, number> = {
      extent_allocation_extents_allocated_total: 1,
      extent_allocation_blocks_allocated_total: 872,
      extent_allocation_extents_freed_total: 2,
      extent_allocation_blocks_freed_total: 3,
      allocation_btree_lookups_total: 4,
      allocation_btree_records_deleted_total: 7,
      block_mapping_reads_total: 61,
      block_mapping_writes_total: 29,
      block_mapping_extent_list_lookups_total: 91,
      block_mapping_extent_list_compares_total: 4,
      block_map_btree_lookups_total: 8,
      block_map_btree_records_deleted_total: 11,
      directory_operation_lookup_total: 3,
      directory_operation_create_total: 2,
      directory_operation_remove_total: 1,
      directory_operation_getdents_total: 52,
      inode_operation_attempts_total: 5,
      inode_operation_found_total: 1,
      inode_operation_recycled_total: 6,
      inode_operation_missed_total: 4,
      inode_operation_duplicates_total: 7,
      inode_operation_reclaims_total: 8,
      inode_operation_attribute_changes_total: 9,
      // The kernel prints write calls first.
      write_calls_total: 28,
      read_calls_total: 12,
      vnode_active_total: 4,
      vnode_allocate_total: 13,
      vnode_get_total: 14,
      vnode_hold_total: 15,
      vnode_release_total: 16,
      vnode_reclaim_total: 17,
      vnode_remove_total: 18,
    }
    for (const [name, value] of Object.entries(want)) {
      expect(sampleValue(fams, `node_xfs_${name}`, sdb1), name).toBe(value)
    }
    // Lines missing from a file read as zero, as procfs' zero-valued structures do.
    expect(sampleValue(fams, 'node_xfs_write_calls_total', { device: 'dm-0' })).toBe(5)
    expect(sampleValue(fams, 'node_xfs_vnode_active_total', { device: 'dm-0' })).toBe(0)
  })

  it('declares counters with node_exporter help texts', async () => {
    const fams = await withSys({ 'fs/xfs/sda1/stats/stats': STATS }, (o) => collectFrom(xfsCollector, o))
    expect(fams.every((f) => f.type === 'counter')).toBe(true)
    expect(family(fams, 'node_xfs_directory_operation_remove_total')?.help).toBe('Number of times an existing directory entry was created for a filesystem.')
    expect(family(fams, 'node_xfs_block_mapping_unmaps_total')?.help).toBe('Number of block unmaps (deletes) for a filesystem.')
  })

  it('exports nothing when no XFS filesystem is mounted', async () => {
    const fams = await withSys({ 'fs/xfs/stats/stats': 'rw 1 2\n' }, (o) => collectFrom(xfsCollector, o))
    expect(fams).toEqual([])
  })

  it('fails the run on a malformed stats file, naming it', async () => {
    await withSys({ 'fs/xfs/sda1/stats/stats': 'rw 1 2 3\n' }, async (o) => {
      await expect(collectFrom(xfsCollector, o)).rejects.toThrowError(ParseError)
      await expect(collectFrom(xfsCollector, o)).rejects.toThrowError(/fs\/xfs\/sda1\/stats\/stats line 1 \(rw\)/)
      const outcome = await runIsolated(xfsCollector, o)
      expect(outcome.success).toBe(false)
      expect(outcome.noData).toBe(false)
    })
  })

  it('reports no data without /sys/fs/xfs', async () => {
    await expect(collectFrom(xfsCollector)).rejects.toBeInstanceOf(NoDataError)
  })
})
