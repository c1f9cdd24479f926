import { rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { withSys, writeTree } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { bcacheCollector } from './bcache.ts'
import { NoDataError } from './types.ts'

const UUID = '0b1c7e3a-5d2f-4c8e-9a6b-1f2e3d4c5b6a'
const SET = `fs/bcache/${UUID}`
const BDEV = 'devices/virtual/block/sdx/bcache'

const periodStats = (dir: string, readaheads: string | null): Record<string, string> => ({
  [`${dir}/bypassed`]: '1.5M\n',
  [`${dir}/cache_hits`]: '546\n',
  [`${dir}/cache_misses`]: '7\n',
  [`${dir}/cache_bypass_hits`]: '2\n',
  [`${dir}/cache_bypass_misses`]: '3\n',
  [`${dir}/cache_miss_collisions`]: '1\n',
  [`${dir}/cache_hit_ratio`]: '98\n',
  ...(readaheads === null ? {} : { [`${dir}/cache_readaheads`]: readaheads }),
})

/** A cache set with one backing device (a link kept as a file) and one cache device (a directory). */
function tree(overrides: Record<string, string> = {}, readaheads: string | null = '13\n'): Record<string, string> {
  return {
    'fs/bcache/register': '',
    'fs/bcache/register_quiet': '',
    [`${SET}/average_key_size`]: '12.5k\n',
    [`${SET}/btree_cache_size`]: '1.1M\n',
    [`${SET}/cache_available_percent`]: '100\n',
    [`${SET}/congested`]: '0\n',
    [`${SET}/root_usage_percent`]: '4\n',
    [`${SET}/tree_depth`]: '1\n',
    [`${SET}/internal/active_journal_entries`]: '1\n',
    [`${SET}/internal/btree_nodes`]: '9\n',
    [`${SET}/internal/btree_read_average_duration_us`]: '1305\n',
    [`${SET}/internal/cache_read_races`]: '0\n',
    ...periodStats(`${SET}/stats_total`, readaheads),
    ...periodStats(`${SET}/stats_five_minute`, readaheads),
    [`${SET}/bdev0`]: `../../../${BDEV}\n`,
    [`${BDEV}/dirty_data`]: '20.4G\n',
    [`${BDEV}/writeback_rate_debug`]: 'rate:\t\t1.1M/sec\ndirty:\t\t20.4G\ntarget:\t\t20.4G\nproportional:\t-427.5k\nintegral:\t790.0k\nchange:\t\t321.5k/sec\nnext io:\t17ms\n',
    ...periodStats(`${BDEV}/stats_total`, readaheads),
    [`${SET}/cache0/io_errors`]: '0\n',
    [`${SET}/cache0/metadata_written`]: '512\n',
    [`${SET}/cache0/written`]: '2.0G\n',
    [`${SET}/cache0/priority_stats`]: 'Unused:\t\t99%\nMetadata:\t1%\nAverage:\t10473\n',
    ...overrides,
  }
}

describe('bcache collector', () => {
  it('exports cache set, backing device and cache device values, with bch_hprint units converted', async () => {
    const families = await withSys(tree(), (o) => collectFrom(bcacheCollector, o))
    const set = { uuid: UUID }
    const bdev = { uuid: UUID, backing_device: 'bdev0' }
    const cache = { uuid: UUID, cache_device: 'cache0' }
    expect(sampleValue(families, 'node_bcache_average_key_size_sectors', set)).toBe(12788)
    expect(sampleValue(families, 'node_bcache_btree_cache_size_bytes', set)).toBe(1150976)
    expect(sampleValue(families, 'node_bcache_tree_depth', set)).toBe(1)
    // sic: node_exporter scales the microsecond file by 1e-9
    expect(sampleValue(families, 'node_bcache_btree_read_average_duration_seconds', set)).toBe(1305 * 1e-9)
    expect(sampleValue(families, 'node_bcache_dirty_data_bytes', bdev)).toBe(21894266880)
    expect(sampleValue(families, 'node_bcache_dirty_target_bytes', bdev)).toBe(21894266880)
    expect(sampleValue(families, 'node_bcache_writeback_rate', bdev)).toBe(1150976)
    expect(sampleValue(families, 'node_bcache_writeback_rate_proportional_term', bdev)).toBe(-437748)
    expect(sampleValue(families, 'node_bcache_writeback_rate_integral_term', bdev)).toBe(808960)
    expect(sampleValue(families, 'node_bcache_writeback_change', bdev)).toBe(329204)
    expect(sampleValue(families, 'node_bcache_bypassed_bytes_total', bdev)).toBe(1560576)
    expect(sampleValue(families, 'node_bcache_cache_hits_total', bdev)).toBe(546)
    expect(sampleValue(families, 'node_bcache_cache_readaheads_total', bdev)).toBe(13)
    expect(sampleValue(families, 'node_bcache_written_bytes_total', cache)).toBe(2 ** 31)
    expect(sampleValue(families, 'node_bcache_metadata_written_bytes_total', cache)).toBe(512)
    expect(family(families, 'node_bcache_cache_read_races_total')).toMatchObject({ type: 'counter', help: expect.stringMatching(/^Counts instances/) })
    expect(family(families, 'node_bcache_io_errors')?.type).toBe('gauge')
    // 10 cache set, 6 + 7 backing device and 3 cache device families; no period stats of the set itself
    expect(families).toHaveLength(26)
    expect(samplesOf(families, 'node_bcache_cache_hits_total')).toHaveLength(1)
  })

  it('reads priority_stats only with --collector.bcache.priorityStats', async () => {
    const files = tree({ [`${SET}/cache0/priority_stats`]: 'garbage: yes\nUnused: lots\n' })
    const without = await withSys(files, (o) => collectFrom(bcacheCollector, o))
    expect(samplesOf(without, 'node_bcache_priority_stats_unused_percent')).toEqual([])
    const withFlag = await withSys(tree(), (o) => collectFrom(bcacheCollector, { ...o, args: ['--collector.bcache.priorityStats'] }))
    const cache = { uuid: UUID, cache_device: 'cache0' }
    expect(sampleValue(withFlag, 'node_bcache_priority_stats_unused_percent', cache)).toBe(99)
    expect(sampleValue(withFlag, 'node_bcache_priority_stats_metadata_percent', cache)).toBe(1)
    await expect(withSys(files, (o) => collectFrom(bcacheCollector, { ...o, args: ['--collector.bcache.priorityStats=true'] }))).rejects.toThrow(/priority_stats/)
  })

  it.each([
    ['absent (Linux 5.13+)', null],
    ['zero', '0\n'],
  ])('leaves cache_readaheads_total out when the file is %s', async (_, readaheads) => {
    const families = await withSys(tree({}, readaheads), (o) => collectFrom(bcacheCollector, o))
    expect(family(families, 'node_bcache_cache_readaheads_total')).toBeUndefined()
    expect(sampleValue(families, 'node_bcache_cache_hits_total', { backing_device: 'bdev0' })).toBe(546)
  })

  it('follows real symlinks to backing and cache devices', async () => {
    const files = tree()
    delete files[`${SET}/bdev0`]
    const root = writeTree(files)
    try {
      symlinkSync(`../../../${BDEV}`, join(root, SET, 'bdev1'))
      const families = await collectFrom(bcacheCollector, { sysfs: root })
      expect(sampleValue(families, 'node_bcache_dirty_data_bytes', { backing_device: 'bdev1' })).toBe(21894266880)
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('exports nothing for a registered bcache without cache sets', async () => {
    const families = await withSys({ 'fs/bcache/register': '' }, (o) => collectFrom(bcacheCollector, o))
    expect(families).toEqual([])
  })

  it('reports no data without /sys/fs/bcache', async () => {
    await expect(collectFrom(bcacheCollector)).rejects.toBeInstanceOf(NoDataError)
    await expect(withSys({ 'class/net/lo/mtu': '1\n' }, (o) => collectFrom(bcacheCollector, o))).rejects.toBeInstanceOf(NoDataError)
  })

  it.each([
    [`${SET}/btree_cache_size`, '1.1Q\n'],
    [`${SET}/tree_depth`, '\n'],
    [`${BDEV}/dirty_data`, 'lots\n'],
    [`${BDEV}/stats_total/cache_hits`, '-5\n'],
    [`${BDEV}/writeback_rate_debug`, 'rate: fast/sec\n'],
  ])('fails with a ParseError naming %s when it holds %j', async (file, content) => {
    const run = withSys(tree({ [file]: content }), (o) => collectFrom(bcacheCollector, o))
    await expect(run).rejects.toBeInstanceOf(ParseError)
    await expect(withSys(tree({ [file]: content }), (o) => collectFrom(bcacheCollector, o))).rejects.toThrow(file.split('/').pop() as string)
  })

  it('fails naming the file when a required one is missing', async () => {
    const files = tree()
    delete files[`${SET}/cache0/written`]
    await expect(withSys(files, (o) => collectFrom(bcacheCollector, o))).rejects.toThrow(/cache0\/written/)
  })
})
