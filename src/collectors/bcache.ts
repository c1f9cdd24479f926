import { join } from 'node:path'
import { flagBool } from '../config/config.ts'
import { Families } from '../metrics/families.ts'
import type { Labels, MetricType } from '../metrics/types.ts'
import { isNotFound } from '../platform/host-fs.ts'
import { dehumanize, parsePriorityStats, parseWritebackRateDebug } from '../procfs/bcache.ts'
import type { PriorityStats, WritebackRateDebug } from '../procfs/bcache.ts'
import { readIfPresent, readRequired } from './read.ts'
import { resolveDir } from './sysfs-link.ts'
import type { CollectorEntry, CollectContext } from './types.ts'
import { NoDataError } from './types.ts'

/** One bch_hprint-formatted file and the metric it becomes. */
interface ValueSpec {
  readonly file: string
  readonly metric: string
  readonly help: string
  readonly type: MetricType
  readonly scale?: number
  /**
   * Linux 5.13 removed cache_readaheads: an absent file reads as 0, and (as node_exporter)
   * a zero value is not exported.
   */
  readonly optional?: boolean
}

const v = (file: string, metric: string, help: string, type: MetricType = 'gauge', extra: Partial<ValueSpec> = {}): ValueSpec => ({
  file,
  metric: `node_bcache_${metric}`,
  help,
  type,
  ...extra,
})

/** /sys/fs/bcache/<uuid>/ and <uuid>/internal/, in node_exporter's order. */
const SET_VALUES: readonly ValueSpec[] = [
  v('average_key_size', 'average_key_size_sectors', 'Average data per key in the btree (sectors).'),
  v('btree_cache_size', 'btree_cache_size_bytes', 'Amount of memory currently used by the btree cache.'),
  v('cache_available_percent', 'cache_available_percent', 'Percentage of cache device without dirty data, usable for writeback (may contain clean cached data).'),
  v('congested', 'congested', 'Congestion.'),
  v('root_usage_percent', 'root_usage_percent', 'Percentage of the root btree node in use (tree depth increases if too high).'),
  v('tree_depth', 'tree_depth', 'Depth of the btree.'),
  v('internal/active_journal_entries', 'active_journal_entries', 'Number of journal entries that are newer than the index.'),
  v('internal/btree_nodes', 'btree_nodes', 'Total nodes in the btree.'),
  // sic: node_exporter scales this microsecond value by 1e-9, not 1e-6; kept for drop-in values.
  v('internal/btree_read_average_duration_us', 'btree_read_average_duration_seconds', 'Average btree read duration.', 'gauge', { scale: 1e-9 }),
  v(
    'internal/cache_read_races',
    'cache_read_races_total',
    'Counts instances where while data was being read from the cache, the bucket was reused and invalidated - i.e. where the pointer was stale after the read completed.',
    'counter',
  ),
]

/** <uuid>/bdevN/dirty_data and <uuid>/bdevN/stats_total/. */
const BDEV_VALUES: readonly ValueSpec[] = [
  v('dirty_data', 'dirty_data_bytes', 'Amount of dirty data for this backing device in the cache.'),
  v('stats_total/bypassed', 'bypassed_bytes_total', 'Amount of IO (both reads and writes) that has bypassed the cache.', 'counter'),
  v('stats_total/cache_hits', 'cache_hits_total', 'Hits counted per individual IO as bcache sees them.', 'counter'),
  v('stats_total/cache_misses', 'cache_misses_total', 'Misses counted per individual IO as bcache sees them.', 'counter'),
  v('stats_total/cache_bypass_hits', 'cache_bypass_hits_total', 'Hits for IO intended to skip the cache.', 'counter'),
  v('stats_total/cache_bypass_misses', 'cache_bypass_misses_total', 'Misses for IO intended to skip the cache.', 'counter'),
  v('stats_total/cache_miss_collisions', 'cache_miss_collisions_total', 'Instances where data insertion from cache miss raced with write (data already present).', 'counter'),
  v('stats_total/cache_readaheads', 'cache_readaheads_total', 'Count of times readahead occurred.', 'counter', { optional: true }),
]

/** <uuid>/bdevN/writeback_rate_debug lines. */
const WRITEBACK: readonly (readonly [key: keyof WritebackRateDebug, metric: string, help: string])[] = [
  ['target', 'node_bcache_dirty_target_bytes', 'Current dirty data target threshold for this backing device in bytes.'],
  ['rate', 'node_bcache_writeback_rate', 'Current writeback rate for this backing device in bytes.'],
  ['proportional', 'node_bcache_writeback_rate_proportional_term', 'Current result of proportional controller, part of writeback rate'],
  ['integral', 'node_bcache_writeback_rate_integral_term', 'Current result of integral controller, part of writeback rate'],
  ['change', 'node_bcache_writeback_change', 'Last writeback rate change step for this backing device.'],
]

/** <uuid>/cacheN/. */
const CACHE_VALUES: readonly ValueSpec[] = [
  v('io_errors', 'io_errors', 'Number of errors that have occurred, decayed by io_error_halflife.'),
  v('metadata_written', 'metadata_written_bytes_total', 'Sum of all non data writes (btree writes and all other metadata).', 'counter'),
  v('written', 'written_bytes_total', 'Sum of all data that has been written to the cache.', 'counter'),
]

/** <uuid>/cacheN/priority_stats, read only with --collector.bcache.priorityStats. */
const PRIORITY: readonly (readonly [key: keyof PriorityStats, metric: string, help: string])[] = [
  ['unusedPercent', 'node_bcache_priority_stats_unused_percent', "The percentage of the cache that doesn't contain any data."],
  ['metadataPercent', 'node_bcache_priority_stats_metadata_percent', "Bcache's metadata overhead."],
]

const PRIORITY_FLAG = 'collector.bcache.priorityStats'

/** A spec's file; undefined when an optional one is absent. */
function readSpec(ctx: CollectContext, path: string, spec: ValueSpec): Promise<string | undefined> {
  return spec.optional ? readIfPresent(ctx, path) : readRequired(ctx, path)
}

async function addValues(ctx: CollectContext, f: Families, dir: string, specs: readonly ValueSpec[], labels: Labels): Promise<void> {
  const texts = await Promise.all(specs.map((spec) => readSpec(ctx, join(dir, spec.file), spec)))
  specs.forEach((spec, i) => {
    const text = texts[i]
    const raw = text === undefined ? 0 : dehumanize(text, join(dir, spec.file))
    if (spec.optional && raw === 0) {
      return
    }
    f.add(spec.metric, spec.type, spec.help, labels, spec.scale === undefined ? raw : raw * spec.scale)
  })
}

/** Entries of `dir` whose names match `pattern`, resolved through their sysfs links. */
async function members(ctx: CollectContext, dir: string, names: readonly string[], pattern: RegExp): Promise<{ name: string; dir: string }[]> {
  const matched = names.filter((n) => pattern.test(n))
  return Promise.all(matched.map(async (name) => ({ name, dir: (await resolveDir(ctx, join(dir, name))) ?? join(dir, name) })))
}

/**
 * bcache cache sets from /sys/fs/bcache/<uuid>/, their backing devices (bdevN) and cache
 * devices (cacheN). A file missing under a cache set fails the run, as procfs.
 */
export const bcacheCollector: CollectorEntry = {
  name: 'bcache',
  defaultEnabled: true,
  help: 'Exposes bcache statistics from /sys/fs/bcache/.',
  families: [
    // The sysfs value tables, then what no table holds.
    ...[...SET_VALUES, ...BDEV_VALUES, ...CACHE_VALUES].map((v) => ({ name: v.metric, type: v.type, help: v.help })),
    ...WRITEBACK.map(([, name, help]) => ({ name, type: 'gauge' as const, help })),
    { name: 'node_bcache_priority_stats_metadata_percent', type: 'gauge', help: "Bcache's metadata overhead." },
    { name: 'node_bcache_priority_stats_unused_percent', type: 'gauge', help: "The percentage of the cache that doesn't contain any data." },
  ],
  flags: [{ name: PRIORITY_FLAG, kind: 'bool', default: false, help: 'Expose expensive priority stats.' }],
  create({ config }) {
    const withPriority = flagBool(config, PRIORITY_FLAG)
    return {
      async collect(ctx) {
        const root = ctx.fs.sys('fs', 'bcache')
        let entries: string[]
        try {
          entries = await ctx.fs.readdir(root)
        } catch (err) {
          throw isNotFound(err) ? new NoDataError(`${root} not found`, { cause: err }) : err
        }
        const f = new Families()
        // procfs globs fs/bcache/*-*: the cache set UUIDs, not register/register_quiet.
        for (const uuid of entries.filter((e) => e.includes('-')).sort()) {
          const setDir = join(root, uuid)
          await addValues(ctx, f, setDir, SET_VALUES, { uuid })
          const names = (await ctx.fs.readdir(setDir)).sort()
          for (const bdev of await members(ctx, setDir, names, /^bdev\d/)) {
            const labels = { uuid, backing_device: bdev.name }
            const path = join(bdev.dir, 'writeback_rate_debug')
            const debug = parseWritebackRateDebug(await readRequired(ctx, path), path)
            await addValues(ctx, f, bdev.dir, BDEV_VALUES, labels)
            for (const [key, metric, help] of WRITEBACK) {
              f.gauge(metric, help, debug[key], labels)
            }
          }
          for (const cache of await members(ctx, setDir, names, /^cache\d/)) {
            const labels = { uuid, cache_device: cache.name }
            await addValues(ctx, f, cache.dir, CACHE_VALUES, labels)
            if (withPriority) {
              const path = join(cache.dir, 'priority_stats')
              const stats = parsePriorityStats(await readRequired(ctx, path), path)
              for (const [key, metric, help] of PRIORITY) {
                f.gauge(metric, help, stats[key], labels)
              }
            }
          }
        }
        return f.list()
      },
    }
  },
}
