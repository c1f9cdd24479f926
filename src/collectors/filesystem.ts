import { flagNumber } from '../config/config.ts'
import { Families } from '../metrics/families.ts'
import { errorCode, isNotFound } from '../platform/host-fs.ts'
import type { StatFs } from '../platform/host-fs.ts'
import { parseMountInfo } from '../procfs/mountinfo.ts'
import { deviceFilterFlags, deviceFilterFrom } from './device-filter.ts'
import { readOrNoData } from './read.ts'
import type { CollectContext, CollectorEntry } from './types.ts'
import { DROPPED_DECL, countDropped } from '../metrics/dropped.ts'

const DEFAULT_MOUNT_POINTS_EXCLUDE = '^/(dev|proc|run/credentials/.+|sys|var/lib/docker/.+|var/lib/containers/storage/.+)($|/)'
const DEFAULT_FS_TYPES_EXCLUDE =
  '^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|erofs|sysfs|tracefs)$'
const STUCK = 'mountpoint timeout'
/** Series one mount exports when its statfs answers (device_error, readonly, 5 sizes, mount_info). */
const SERIES_PER_MOUNT = 8

/** Go's strerror text for the errno a failed statfs gives, as node_exporter's device_error label. */
const ERRNO_TEXT: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  ENOENT: 'no such file or directory',
  EIO: 'input/output error',
  ENOTCONN: 'transport endpoint is not connected',
  ESTALE: 'stale file handle',
  EPERM: 'operation not permitted',
  ENOTDIR: 'not a directory',
  ELOOP: 'too many levels of symbolic links',
  ETIMEDOUT: 'connection timed out',
  EHOSTDOWN: 'host is down',
  ENODEV: 'no such device',
  ENXIO: 'no such device or address',
  EOVERFLOW: 'value too large for defined data type',
  ENOSYS: 'function not implemented',
}

interface Mount {
  readonly device: string
  readonly mountpoint: string
  readonly fstype: string
  readonly major: string
  readonly minor: string
  readonly ro: boolean
}

type Outcome = { ok: StatFs } | { error: string }

/** The mount point as node_exporter labels it: the --path.rootfs prefix stripped. */
function stripRootfs(rootfs: string, path: string): string {
  if (rootfs === '/' || rootfs === '') {
    return path
  }
  const root = rootfs.replace(/\/+$/, '')
  if (path !== root && !path.startsWith(`${root}/`)) {
    return path
  }
  return path.slice(root.length) || '/'
}

/** Runs `work` over `items` with at most `limit` in flight, keeping order. */
async function pooled<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await work(items[i] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker))
  return out
}

async function mounts(ctx: CollectContext): Promise<Mount[]> {
  let text: string
  try {
    text = await ctx.fs.readFile(ctx.fs.proc('1/mountinfo'))
  } catch (err) {
    if (!isNotFound(err)) {
      throw new Error(`couldn't read ${ctx.fs.proc('1/mountinfo')}: ${(err as Error).message}`, { cause: err })
    }
    // hidepid hides PID 1: fall back to our own mount namespace, as node_exporter.
    text = await readOrNoData(ctx, ctx.fs.proc('self/mountinfo'))
  }
  return parseMountInfo(text).map((m) => ({
    device: m.source,
    mountpoint: stripRootfs(ctx.fs.rootfs, m.mountPoint),
    fstype: m.fsType,
    major: String(m.major),
    minor: String(m.minor),
    ro: m.options.includes('ro') || m.superOptions.includes('ro'),
  }))
}

/**
 * node_exporter's filesystem collector: mounts from <procfs>/1/mountinfo, statfs of each
 * under --path.rootfs with a deadline. A mount whose statfs outlives the deadline is
 * marked stale: later samples skip it (device_error 1, label "mountpoint timeout") until
 * the hung call returns, so one dead NFS server costs one blocked call, not one per tick.
 */
export const filesystemCollector: CollectorEntry = {
  name: 'filesystem',
  defaultEnabled: true,
  help: 'Exposes filesystem statistics, such as disk space used.',
  families: [
    { name: 'node_filesystem_avail_bytes', type: 'gauge', help: 'Filesystem space available to non-root users in bytes.' },
    { name: 'node_filesystem_device_error', type: 'gauge', help: 'Whether an error occurred while getting statistics for the given device.' },
    { name: 'node_filesystem_files', type: 'gauge', help: 'Filesystem total file nodes.' },
    { name: 'node_filesystem_files_free', type: 'gauge', help: 'Filesystem total free file nodes.' },
    { name: 'node_filesystem_free_bytes', type: 'gauge', help: 'Filesystem free space in bytes.' },
    { name: 'node_filesystem_mount_info', type: 'gauge', help: 'Filesystem mount information.' },
    { name: 'node_filesystem_readonly', type: 'gauge', help: 'Filesystem read-only status.' },
    { name: 'node_filesystem_size_bytes', type: 'gauge', help: 'Filesystem size in bytes.' },
    DROPPED_DECL,
  ],
  flags: [
    ...deviceFilterFlags('collector.filesystem.mount-points', 'mount points for filesystem collector', DEFAULT_MOUNT_POINTS_EXCLUDE),
    ...deviceFilterFlags('collector.filesystem.fs-types', 'filesystem types for filesystem collector', DEFAULT_FS_TYPES_EXCLUDE),
    { name: 'collector.filesystem.mount-timeout', kind: 'duration', default: '5s', help: 'how long to wait for a mount to respond before marking it as stale' },
    { name: 'collector.filesystem.stat-workers', kind: 'int', default: 4, help: 'how many stat calls to process simultaneously' },
    {
      name: 'collector.filesystem.max-mounts',
      kind: 'int',
      default: 1000,
      help: 'Most mounts exported (in mountinfo order, after the filters, duplicates merged); the series of further mounts are not statted and count in odin_series_dropped_total.',
    },
  ],
  create({ config }) {
    const stale = new Set<string>()
    let dropped = 0

    const statfs = async (ctx: CollectContext, m: Mount, timeoutMs: number): Promise<Outcome> => {
      const call = ctx.fs.statfs(ctx.fs.root(m.mountpoint))
      let timer: ReturnType<typeof setTimeout> | undefined
      const deadline = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs)
      })
      try {
        const first = await Promise.race([call, deadline])
        if (first !== 'timeout') {
          return { ok: first }
        }
      } catch (err) {
        const code = errorCode(err)
        return { error: (code && ERRNO_TEXT[code]) || (err as Error).message }
      } finally {
        clearTimeout(timer)
      }
      stale.add(m.mountpoint)
      ctx.log.warn('statfs timed out; mount marked stale until it answers', { mountpoint: m.mountpoint, timeout_ms: timeoutMs })
      const recover = () => stale.delete(m.mountpoint)
      call.then(recover, recover)
      return { error: STUCK }
    }

    const byMount = deviceFilterFrom(config, 'collector.filesystem.mount-points', DEFAULT_MOUNT_POINTS_EXCLUDE)
    const byType = deviceFilterFrom(config, 'collector.filesystem.fs-types', DEFAULT_FS_TYPES_EXCLUDE)
    const timeoutMs = flagNumber(config, 'collector.filesystem.mount-timeout')
    const workers = flagNumber(config, 'collector.filesystem.stat-workers')
    const maxMounts = flagNumber(config, 'collector.filesystem.max-mounts')
    return {
      async collect(ctx) {
        // Duplicates (the same mount stacked or listed twice) export one set of series.
        const unique = new Map<string, Mount>()
        for (const m of await mounts(ctx)) {
          const key = `${m.device}\0${m.mountpoint}\0${m.fstype}`
          if (!byMount.ignored(m.mountpoint) && !byType.ignored(m.fstype) && !unique.has(key)) {
            unique.set(key, m)
          }
        }
        // A host with thousands of mounts (1.6 MB of mountinfo gave 37,864 series) is cut
        // before any statfs: the first mounts in mountinfo order, which is stable between ticks.
        const all = [...unique.values()]
        const wanted = all.slice(0, Math.max(0, maxMounts))
        dropped += (all.length - wanted.length) * SERIES_PER_MOUNT
        const outcomes = await pooled(wanted, workers, (m): Promise<Outcome | 'stale'> => (stale.has(m.mountpoint) ? Promise.resolve('stale') : statfs(ctx, m, timeoutMs)))

        const f = new Families()
        const seen = new Set<string>()
        wanted.forEach((m, i) => {
          const outcome = outcomes[i] as Outcome | 'stale'
          const deviceError = outcome === 'stale' ? STUCK : 'error' in outcome ? outcome.error : ''
          const labels = { device: m.device, mountpoint: m.mountpoint, fstype: m.fstype, device_error: deviceError }
          const key = JSON.stringify(labels)
          if (seen.has(key)) {
            return
          }
          seen.add(key)
          f.gauge('node_filesystem_device_error', 'Whether an error occurred while getting statistics for the given device.', deviceError === '' ? 0 : 1, labels)
          // A stale mount is not looked at, so node_exporter reports it writable.
          f.gauge('node_filesystem_readonly', 'Filesystem read-only status.', outcome !== 'stale' && m.ro ? 1 : 0, labels)
          if (outcome === 'stale' || !('ok' in outcome)) {
            return
          }
          const s = outcome.ok
          f.gauge('node_filesystem_size_bytes', 'Filesystem size in bytes.', s.blocks * s.bsize, labels)
          f.gauge('node_filesystem_free_bytes', 'Filesystem free space in bytes.', s.bfree * s.bsize, labels)
          f.gauge('node_filesystem_avail_bytes', 'Filesystem space available to non-root users in bytes.', s.bavail * s.bsize, labels)
          f.gauge('node_filesystem_files', 'Filesystem total file nodes.', s.files, labels)
          f.gauge('node_filesystem_files_free', 'Filesystem total free file nodes.', s.ffree, labels)
          f.gauge('node_filesystem_mount_info', 'Filesystem mount information.', 1, { device: m.device, major: m.major, minor: m.minor, mountpoint: m.mountpoint })
        })
        countDropped(f, dropped, 'filesystem')
        return f.list()
      },
    }
  },
}
