import { Families } from '../metrics/families.ts'
import { parseXfsStats } from '../procfs/xfs-stats.ts'
import type { XfsStats } from '../procfs/xfs-stats.ts'
import { listOrNoData, readIfPresent } from './read.ts'
import type { CollectorEntry } from './types.ts'

/**
 * node_xfs_<name> counters: stats line, field index in it, help. A line missing from the
 * file reads as zeros, as procfs' zero-valued structures do. The "rw" line is the
 * kernel's xs_write_calls then xs_read_calls.
 */
const XFS_METRICS: readonly (readonly [name: string, line: string, index: number, help: string])[] = [
  ['extent_allocation_extents_allocated_total', 'extent_alloc', 0, 'Number of extents allocated for a filesystem.'],
  ['extent_allocation_blocks_allocated_total', 'extent_alloc', 1, 'Number of blocks allocated for a filesystem.'],
  ['extent_allocation_extents_freed_total', 'extent_alloc', 2, 'Number of extents freed for a filesystem.'],
  ['extent_allocation_blocks_freed_total', 'extent_alloc', 3, 'Number of blocks freed for a filesystem.'],
  ['allocation_btree_lookups_total', 'abt', 0, 'Number of allocation B-tree lookups for a filesystem.'],
  ['allocation_btree_compares_total', 'abt', 1, 'Number of allocation B-tree compares for a filesystem.'],
  ['allocation_btree_records_inserted_total', 'abt', 2, 'Number of allocation B-tree records inserted for a filesystem.'],
  ['allocation_btree_records_deleted_total', 'abt', 3, 'Number of allocation B-tree records deleted for a filesystem.'],
  ['block_mapping_reads_total', 'blk_map', 0, 'Number of block map for read operations for a filesystem.'],
  ['block_mapping_writes_total', 'blk_map', 1, 'Number of block map for write operations for a filesystem.'],
  ['block_mapping_unmaps_total', 'blk_map', 2, 'Number of block unmaps (deletes) for a filesystem.'],
  ['block_mapping_extent_list_insertions_total', 'blk_map', 3, 'Number of extent list insertions for a filesystem.'],
  ['block_mapping_extent_list_deletions_total', 'blk_map', 4, 'Number of extent list deletions for a filesystem.'],
  ['block_mapping_extent_list_lookups_total', 'blk_map', 5, 'Number of extent list lookups for a filesystem.'],
  ['block_mapping_extent_list_compares_total', 'blk_map', 6, 'Number of extent list compares for a filesystem.'],
  ['block_map_btree_lookups_total', 'bmbt', 0, 'Number of block map B-tree lookups for a filesystem.'],
  ['block_map_btree_compares_total', 'bmbt', 1, 'Number of block map B-tree compares for a filesystem.'],
  ['block_map_btree_records_inserted_total', 'bmbt', 2, 'Number of block map B-tree records inserted for a filesystem.'],
  ['block_map_btree_records_deleted_total', 'bmbt', 3, 'Number of block map B-tree records deleted for a filesystem.'],
  ['directory_operation_lookup_total', 'dir', 0, 'Number of file name directory lookups which miss the operating systems directory name lookup cache.'],
  ['directory_operation_create_total', 'dir', 1, 'Number of times a new directory entry was created for a filesystem.'],
  ['directory_operation_remove_total', 'dir', 2, 'Number of times an existing directory entry was created for a filesystem.'],
  ['directory_operation_getdents_total', 'dir', 3, 'Number of times the directory getdents operation was performed for a filesystem.'],
  ['inode_operation_attempts_total', 'ig', 0, 'Number of times the OS looked for an XFS inode in the inode cache.'],
  ['inode_operation_found_total', 'ig', 1, 'Number of times the OS looked for and found an XFS inode in the inode cache.'],
  ['inode_operation_recycled_total', 'ig', 2, 'Number of times the OS found an XFS inode in the cache, but could not use it as it was being recycled.'],
  ['inode_operation_missed_total', 'ig', 3, 'Number of times the OS looked for an XFS inode in the cache, but did not find it.'],
  [
    'inode_operation_duplicates_total',
    'ig',
    4,
    'Number of times the OS tried to add a missing XFS inode to the inode cache, but found it had already been added by another process.',
  ],
  ['inode_operation_reclaims_total', 'ig', 5, 'Number of times the OS reclaimed an XFS inode from the inode cache to free memory for another purpose.'],
  ['inode_operation_attribute_changes_total', 'ig', 6, 'Number of times the OS explicitly changed the attributes of an XFS inode.'],
  ['read_calls_total', 'rw', 1, 'Number of read(2) system calls made to files in a filesystem.'],
  ['write_calls_total', 'rw', 0, 'Number of write(2) system calls made to files in a filesystem.'],
  ['vnode_active_total', 'vnodes', 0, 'Number of vnodes not on free lists for a filesystem.'],
  ['vnode_allocate_total', 'vnodes', 1, 'Number of times vn_alloc called for a filesystem.'],
  ['vnode_get_total', 'vnodes', 2, 'Number of times vn_get called for a filesystem.'],
  ['vnode_hold_total', 'vnodes', 3, 'Number of times vn_hold called for a filesystem.'],
  ['vnode_release_total', 'vnodes', 4, 'Number of times vn_rele called for a filesystem.'],
  ['vnode_reclaim_total', 'vnodes', 5, 'Number of times vn_reclaim called for a filesystem.'],
  ['vnode_remove_total', 'vnodes', 6, 'Number of times vn_remove called for a filesystem.'],
]

/** Adds one filesystem's counters. */
export function addXfsStats(f: Families, device: string, stats: XfsStats): void {
  for (const [name, line, index, help] of XFS_METRICS) {
    f.counter(`node_xfs_${name}`, help, stats.get(line)?.[index] ?? 0, { device })
  }
}

/**
 * Per-filesystem XFS statistics from /sys/fs/xfs/<device>/stats/stats (kernel 4.4+),
 * as node_exporter's xfs collector exports them. The host-wide /sys/fs/xfs/stats/stats
 * is not a device and is not read; a malformed stats file fails the run.
 */
export const xfsCollector: CollectorEntry = {
  name: 'xfs',
  defaultEnabled: true,
  help: 'Exposes XFS runtime statistics.',
  families: [...XFS_METRICS.map(([name, , , help]) => ({ name: `node_xfs_${name}`, type: 'counter' as const, help }))],
  create: () => ({
    async collect(ctx) {
      const root = ctx.fs.sys('fs', 'xfs')
      const names = await listOrNoData(ctx, root)
      const f = new Families()
      for (const device of names) {
        const path = `${root}/${device}/stats/stats`
        const text = await readIfPresent(ctx, path) // an entry without stats is the glob's miss
        if (text !== undefined) {
          addXfsStats(f, device, parseXfsStats(text, path))
        }
      }
      return f.list()
    },
  }),
}
