import { Families } from '../metrics/families.ts'
import { BTRFS_SECTOR_SIZE, NO_COMMIT_STATS, btrfsAllocationRatio, btrfsText, btrfsUuid, parseBtrfsValue, parseCommitStats } from '../procfs/btrfs.ts'
import type { BtrfsCommitStats } from '../procfs/btrfs.ts'
import { listIfPresent, listOrNoData, readIfPresent } from './read.ts'
import { resolveDir } from './sysfs-link.ts'
import type { CollectorEntry, CollectContext } from './types.ts'

/** The block group types node_exporter exports, each a directory under allocation/. */
const BLOCK_GROUP_TYPES = ['data', 'metadata', 'system'] as const

interface BtrfsLayout {
  readonly mode: string
  readonly usedBytes: number
  readonly totalBytes: number
  readonly ratio: number
}

interface BtrfsAllocation {
  readonly type: string
  readonly reservedBytes: number
  readonly layouts: readonly BtrfsLayout[]
}

/** What node_exporter exports of one /sys/fs/btrfs/<uuid> directory. */
export interface BtrfsStats {
  readonly uuid: string
  readonly label: string
  readonly globalRsvSize: number
  readonly commit: BtrfsCommitStats
  readonly allocations: readonly BtrfsAllocation[]
  readonly devices: readonly { readonly name: string; readonly sizeBytes: number }[]
}

/** Per-filesystem commit metrics: name, type, help, commit_stats field, divisor to seconds. */
const COMMIT_METRICS: readonly (readonly [name: string, type: 'counter' | 'gauge', help: string, key: keyof BtrfsCommitStats, divisor: number])[] = [
  ['node_btrfs_commits_total', 'counter', 'The total number of commits that have occurred.', 'commits', 1],
  ['node_btrfs_last_commit_seconds', 'gauge', 'Duration of the most recent commit, in seconds.', 'lastCommitMs', 1000],
  ['node_btrfs_max_commit_seconds', 'gauge', 'Duration of the slowest commit, in seconds.', 'maxCommitMs', 1000],
  ['node_btrfs_commit_seconds_total', 'counter', 'Sum of the duration of all commits, in seconds.', 'totalCommitMs', 1000],
]

/** Per-layout metrics: name, help, value. */
const LAYOUT_METRICS: readonly (readonly [name: string, help: string, value: (l: BtrfsLayout) => number])[] = [
  ['node_btrfs_used_bytes', 'Amount of used space by a layout/data type', (l) => l.usedBytes],
  ['node_btrfs_size_bytes', 'Amount of space allocated for a layout/data type', (l) => l.totalBytes],
  ['node_btrfs_allocation_ratio', 'Data allocation ratio for a layout/data type', (l) => l.ratio],
]

/** Adds one filesystem's metrics in node_exporter's order. */
export function addBtrfsStats(f: Families, s: BtrfsStats): void {
  const uuid = s.uuid
  f.gauge('node_btrfs_info', 'Filesystem information', 1, { uuid, label: s.label })
  f.gauge('node_btrfs_global_rsv_size_bytes', 'Size of global reserve.', s.globalRsvSize, { uuid })
  for (const [name, type, help, key, divisor] of COMMIT_METRICS) {
    f.add(name, type, help, { uuid }, s.commit[key] / divisor)
  }
  for (const a of s.allocations) {
    f.gauge('node_btrfs_reserved_bytes', 'Amount of space reserved for a data type', a.reservedBytes, { uuid, block_group_type: a.type })
    for (const layout of a.layouts) {
      for (const [name, help, value] of LAYOUT_METRICS) {
        f.gauge(name, help, value(layout), { uuid, block_group_type: a.type, mode: layout.mode })
      }
    }
  }
  for (const d of s.devices) {
    f.gauge('node_btrfs_device_size_bytes', 'Size of a device that is part of the filesystem.', d.sizeBytes, { uuid, device: d.name })
  }
}

async function readValue(ctx: CollectContext, path: string): Promise<number> {
  const text = await readIfPresent(ctx, path)
  return text === undefined ? 0 : parseBtrfsValue(text)
}

async function readAllocation(ctx: CollectContext, dir: string, type: string, deviceCount: number): Promise<BtrfsAllocation> {
  const typeDir = `${dir}/allocation/${type}`
  const layouts: BtrfsLayout[] = []
  // Profile subdirectories (single, dup, raid1, ...) sit beside the type's own attribute files.
  for (const mode of (await listIfPresent(ctx, typeDir)) ?? []) {
    const modeDir = `${typeDir}/${mode}`
    if ((await listIfPresent(ctx, modeDir)) === undefined) {
      continue
    }
    layouts.push({
      mode,
      usedBytes: await readValue(ctx, `${modeDir}/used_bytes`),
      totalBytes: await readValue(ctx, `${modeDir}/total_bytes`),
      ratio: btrfsAllocationRatio(mode, deviceCount),
    })
  }
  return { type, reservedBytes: await readValue(ctx, `${typeDir}/bytes_reserved`), layouts }
}

/**
 * Reads one filesystem directory. Missing attributes read as 0 (a missing allocation type
 * as reserved 0 without layouts, a missing devices/ as no devices), as procfs does with
 * files that do not exist; an unreadable one fails the run.
 */
export async function readBtrfs(ctx: CollectContext, dir: string, dirName: string): Promise<BtrfsStats> {
  const deviceNames = (await listIfPresent(ctx, `${dir}/devices`)) ?? []
  const devices: { name: string; sizeBytes: number }[] = []
  for (const name of deviceNames) {
    // devices/<dev> links to the block device; size counts 512-byte sectors.
    const deviceDir = (await resolveDir(ctx, `${dir}/devices/${name}`)) ?? `${dir}/devices/${name}`
    devices.push({ name, sizeBytes: BTRFS_SECTOR_SIZE * (await readValue(ctx, `${deviceDir}/size`)) })
  }
  const allocations: BtrfsAllocation[] = []
  for (const type of BLOCK_GROUP_TYPES) {
    allocations.push(await readAllocation(ctx, dir, type, deviceNames.length))
  }
  const label = await readIfPresent(ctx, `${dir}/label`)
  const commitPath = `${dir}/commit_stats`
  const commitText = await readIfPresent(ctx, commitPath)
  return {
    uuid: btrfsUuid(await readIfPresent(ctx, `${dir}/metadata_uuid`), dirName),
    label: label === undefined ? '' : btrfsText(label),
    globalRsvSize: await readValue(ctx, `${dir}/allocation/global_rsv_size`),
    commit: commitText === undefined ? NO_COMMIT_STATS : parseCommitStats(commitText, commitPath),
    allocations,
    devices,
  }
}

/**
 * Btrfs filesystems from /sys/fs/btrfs/<uuid>/ as node_exporter's btrfs collector exports
 * them when it cannot query the filesystem: info, global reserve, commit stats, per block
 * group type reserved bytes, per profile used/size/ratio, and device sizes.
 *
 * Not exported: node_exporter additionally opens each mounted btrfs filesystem and asks
 * the kernel through ioctls (BTRFS_IOC_FS_INFO, BTRFS_IOC_DEV_INFO, BTRFS_IOC_GET_DEV_STATS)
 * for node_btrfs_device_errors_total{type}, node_btrfs_device_unused_bytes and the
 * btrfs_dev_uuid label on node_btrfs_device_size_bytes. None of that is in sysfs and this
 * agent issues no ioctls, so device sizes always come from sysfs, labelled {device, uuid}
 * as node_exporter labels them when its ioctls fail.
 */
export const btrfsCollector: CollectorEntry = {
  name: 'btrfs',
  defaultEnabled: true,
  help: 'Exposes btrfs statistics',
  families: [
    { name: 'node_btrfs_allocation_ratio', type: 'gauge', help: 'Data allocation ratio for a layout/data type' },
    { name: 'node_btrfs_commit_seconds_total', type: 'counter', help: 'Sum of the duration of all commits, in seconds.' },
    { name: 'node_btrfs_commits_total', type: 'counter', help: 'The total number of commits that have occurred.' },
    { name: 'node_btrfs_device_size_bytes', type: 'gauge', help: 'Size of a device that is part of the filesystem.' },
    { name: 'node_btrfs_global_rsv_size_bytes', type: 'gauge', help: 'Size of global reserve.' },
    { name: 'node_btrfs_info', type: 'gauge', help: 'Filesystem information' },
    { name: 'node_btrfs_last_commit_seconds', type: 'gauge', help: 'Duration of the most recent commit, in seconds.' },
    { name: 'node_btrfs_max_commit_seconds', type: 'gauge', help: 'Duration of the slowest commit, in seconds.' },
    { name: 'node_btrfs_reserved_bytes', type: 'gauge', help: 'Amount of space reserved for a data type' },
    { name: 'node_btrfs_size_bytes', type: 'gauge', help: 'Amount of space allocated for a layout/data type' },
    { name: 'node_btrfs_used_bytes', type: 'gauge', help: 'Amount of used space by a layout/data type' },
  ],
  create: () => ({
    async collect(ctx) {
      const root = ctx.fs.sys('fs', 'btrfs')
      const names = await listOrNoData(ctx, root)
      const f = new Families()
      // procfs globs fs/btrfs/*-*: filesystem uuids, not the features/ directory beside them.
      for (const name of names.filter((n) => n.includes('-'))) {
        const dir = `${root}/${name}`
        if ((await listIfPresent(ctx, dir)) !== undefined) {
          addBtrfsStats(f, await readBtrfs(ctx, dir, name))
        }
      }
      return f.list()
    },
  }),
}
