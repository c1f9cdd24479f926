import { Families } from '../metrics/families.ts'
import type { Labels, MetricFamily, MetricType } from '../metrics/types.ts'
import { KSTAT_DATA_UINT64, parseKstatIo, parseKstatNamed, parseZpoolState } from '../procfs/kstat.ts'
import { readOptional } from './read.ts'
import type { CollectorEntry, CollectContext } from './types.ts'
import { NoDataError } from './types.ts'

/**
 * Subsystem (node_zfs_<subsystem>_*) -> kstat file under /proc/spl/kstat/zfs, as
 * node_exporter's linuxPathMap. Each file is optional: ZFS adds them as features arrive.
 */
const SUBSYSTEM_FILES: readonly (readonly [subsystem: string, file: string])[] = [
  ['abd', 'abdstats'],
  ['arc', 'arcstats'],
  ['dbuf', 'dbufstats'],
  ['dmu_tx', 'dmu_tx'],
  ['dnode', 'dnodestats'],
  ['fm', 'fm'],
  ['vdev_cache', 'vdev_cache_stats'],
  ['vdev_mirror', 'vdev_mirror_stats'],
  ['xuio', 'xuio_stats'],
  ['zfetch', 'zfetchstats'],
  ['zil', 'zil'],
]

const SUBSYSTEM_FILE_NAMES = new Set(SUBSYSTEM_FILES.map(([, file]) => file))

/** Every state node_zfs_zpool_state reports, 1 for the pool's current one. */
const POOL_STATES = ['online', 'degraded', 'faulted', 'offline', 'removed', 'unavail', 'suspended'] as const

const VALID_NAME_SUFFIX = /^[a-zA-Z0-9_:]+$/

/**
 * node_exporter's zfs collector (collector/zfs_linux.go): the integer statistics of the
 * /proc/spl/kstat/zfs subsystem files as untyped node_zfs_<subsystem>_<kstat name>, and per
 * pool directory the io kstat (node_zfs_zpool_*{zpool}), each objset-* dataset kstat
 * (node_zfs_zpool_dataset_*{zpool,dataset}) and the state file (node_zfs_zpool_state).
 * Help texts are the kstat names ("kstat.zfs.misc.arcstats.hits"). No ZFS module: no data.
 */
export const zfsCollector: CollectorEntry = {
  name: 'zfs',
  defaultEnabled: true,
  help: 'Exposes ZFS performance statistics.',
  families: [
    { name: 'node_zfs_*', type: 'untyped', help: 'kstat.zfs.misc.*' },
    { name: 'node_zfs_zpool_state', type: 'gauge', help: 'kstat.zfs.misc.state' },
  ],
  create: () => ({
    async collect(ctx) {
      const base = ctx.fs.proc('spl', 'kstat', 'zfs')
      let entries: string[]
      try {
        entries = await ctx.fs.readdir(base)
      } catch (err) {
        throw new NoDataError(`${base} not readable: ZFS statistics are not available`, { cause: err })
      }
      const out = new ZfsFamilies()
      const present = new Set(entries)
      for (const [subsystem, file] of SUBSYSTEM_FILES) {
        const path = ctx.fs.proc('spl', 'kstat', 'zfs', file)
        const text = present.has(file) ? await readOptional(ctx, path) : undefined
        if (text === undefined) {
          continue
        }
        for (const [name, value] of parseKstatNamed(text, path).values) {
          out.add(`zfs_${subsystem}`, name, `kstat.zfs.misc.${file}.${name}`, 'untyped', {}, value)
        }
      }
      // Every other entry that is a directory is a pool; the rest (dbgmsg, fletcher_4_bench, ...)
      // are plain files whose readdir fails.
      for (const pool of entries.filter((e) => !SUBSYSTEM_FILE_NAMES.has(e)).sort()) {
        let files: string[]
        try {
          files = await ctx.fs.readdir(ctx.fs.proc('spl', 'kstat', 'zfs', pool))
        } catch {
          continue
        }
        await collectPool(ctx, out, pool, new Set(files))
      }
      return out.list()
    },
  }),
}

/**
 * One pool directory. A file listed but gone by the time it is read (a pool being exported)
 * is skipped: node_exporter's comments call that race "ok to ignore".
 */
async function collectPool(ctx: CollectContext, out: ZfsFamilies, pool: string, files: ReadonlySet<string>): Promise<void> {
  const pathOf = (file: string) => ctx.fs.proc('spl', 'kstat', 'zfs', pool, file)
  const read = (path: string) => readOptional(ctx, path)
  const io = files.has('io') ? await read(pathOf('io')) : undefined
  if (io !== undefined) {
    for (const [name, value] of parseKstatIo(io, pathOf('io'))) {
      out.add('zfs_zpool', name, `kstat.zfs.misc.io.${name}`, 'untyped', { zpool: pool }, value)
    }
  }
  for (const file of [...files].filter((f) => f.startsWith('objset-')).sort()) {
    const text = await read(pathOf(file))
    if (text === undefined) {
      continue
    }
    const objset = parseKstatNamed(text, pathOf(file), [KSTAT_DATA_UINT64])
    const labels = { zpool: pool, dataset: objset.strings.get('dataset_name') ?? '' }
    for (const [name, value] of objset.values) {
      out.add('zfs_zpool_dataset', name, `kstat.zfs.misc.objset.${name}`, 'untyped', labels, value)
    }
  }
  const state = files.has('state') ? await read(pathOf('state')) : undefined
  if (state !== undefined) {
    const current = parseZpoolState(state)
    for (const s of POOL_STATES) {
      out.add('zfs_zpool', 'state', 'kstat.zfs.misc.state', 'gauge', { zpool: pool, state: s }, s === current ? 1 : 0)
    }
  }
}

/**
 * Families named as node_exporter's zfsSysctl.metricName and BuildFQName: node_<subsystem>_
 * and the kstat name after its last '.', '-' as '_'. A name that is no valid metric name
 * is skipped; a series seen twice (two kstat rows mapping to one name) keeps the first,
 * as the Prometheus registry drops the duplicate at scrape.
 */
class ZfsFamilies {
  private readonly families = new Families()
  private readonly seen = new Set<string>()

  add(subsystem: string, kstatName: string, help: string, type: MetricType, labels: Labels, value: number): void {
    const suffix = kstatName.slice(kstatName.lastIndexOf('.') + 1).replaceAll('-', '_')
    if (!VALID_NAME_SUFFIX.test(suffix)) {
      return
    }
    const name = `node_${subsystem}_${suffix}`
    const key = `${name}\0${labels.zpool ?? ''}\0${labels.dataset ?? ''}\0${labels.state ?? ''}`
    if (this.seen.has(key)) {
      return
    }
    this.seen.add(key)
    this.families.add(name, type, help, labels, value)
  }

  list(): MetricFamily[] {
    return this.families.list()
  }
}
