import { flagString } from '../config/config.ts'
import { Families } from '../metrics/families.ts'
import type { MetricType } from '../metrics/types.ts'
import { parseDiskstats } from '../procfs/diskstats.ts'
import { parseUdevProperties } from '../procfs/diskstats-udev.ts'
import { deviceFilterFlags, deviceFilterFrom } from './device-filter.ts'
import { readOptional, readOrNoData } from './read.ts'
import type { CollectContext, CollectorEntry } from './types.ts'

const DEFAULT_EXCLUDE = '^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$'
const SECONDS_PER_TICK = 1 / 1000
const SECTOR_BYTES = 512

/** /proc/diskstats columns in file order: [metric, type, help, scale]. */
const COLUMNS: readonly (readonly [string, MetricType, string, number])[] = [
  ['node_disk_reads_completed_total', 'counter', 'The total number of reads completed successfully.', 1],
  ['node_disk_reads_merged_total', 'counter', 'The total number of reads merged.', 1],
  ['node_disk_read_bytes_total', 'counter', 'The total number of bytes read successfully.', SECTOR_BYTES],
  ['node_disk_read_time_seconds_total', 'counter', 'The total number of seconds spent by all reads.', SECONDS_PER_TICK],
  ['node_disk_writes_completed_total', 'counter', 'The total number of writes completed successfully.', 1],
  ['node_disk_writes_merged_total', 'counter', 'The number of writes merged.', 1],
  ['node_disk_written_bytes_total', 'counter', 'The total number of bytes written successfully.', SECTOR_BYTES],
  ['node_disk_write_time_seconds_total', 'counter', 'This is the total number of seconds spent by all writes.', SECONDS_PER_TICK],
  ['node_disk_io_now', 'gauge', 'The number of I/Os currently in progress.', 1],
  ['node_disk_io_time_seconds_total', 'counter', 'Total seconds spent doing I/Os.', SECONDS_PER_TICK],
  ['node_disk_io_time_weighted_seconds_total', 'counter', 'The weighted # of seconds spent doing I/Os.', SECONDS_PER_TICK],
  ['node_disk_discards_completed_total', 'counter', 'The total number of discards completed successfully.', 1],
  ['node_disk_discards_merged_total', 'counter', 'The total number of discards merged.', 1],
  ['node_disk_discarded_sectors_total', 'counter', 'The total number of sectors discarded successfully.', 1],
  ['node_disk_discard_time_seconds_total', 'counter', 'This is the total number of seconds spent by all discards.', SECONDS_PER_TICK],
  ['node_disk_flush_requests_total', 'counter', 'The total number of flush requests completed successfully', 1],
  ['node_disk_flush_requests_time_seconds_total', 'counter', 'This is the total number of seconds spent by all flush requests.', SECONDS_PER_TICK],
]

/** udev properties -> ATA gauges (emitted for ID_ATA devices when the property parses). */
const ATA = [
  ['ID_ATA_WRITE_CACHE', 'node_disk_ata_write_cache', 'ATA disk has a write cache.'],
  ['ID_ATA_WRITE_CACHE_ENABLED', 'node_disk_ata_write_cache_enabled', 'ATA disk has its write cache enabled.'],
  ['ID_ATA_ROTATION_RATE_RPM', 'node_disk_ata_rotation_rate_rpm', 'ATA disk rotation rate in RPMs (0 for SSDs).'],
] as const

/**
 * Where udev's database lies. An explicit --path.udev.data is used as given (as
 * node_exporter). Otherwise <rootfs>/run/udev/data, or <rootfs>/udev/data: the layout
 * of node_exporter's own fixture tree, whose e2e test passes that path explicitly.
 */
async function udevDir(ctx: CollectContext, explicit: string, cache: Map<string, string | null>): Promise<string | null> {
  const key = `${explicit}\0${ctx.fs.rootfs}`
  const known = cache.get(key)
  if (known !== undefined) {
    return known
  }
  const candidates = explicit !== '' ? [explicit] : [ctx.fs.root('run/udev/data'), ctx.fs.root('udev/data')]
  let found: string | null = null
  for (const dir of candidates) {
    try {
      await ctx.fs.readdir(dir)
      found = dir
      break
    } catch {
      // not this one
    }
  }
  if (found === null) {
    ctx.log.debug('no udev database; node_disk_info carries no udev labels', { tried: candidates.join(',') })
  }
  cache.set(key, found)
  return found
}

export const diskstatsCollector: CollectorEntry = {
  name: 'diskstats',
  defaultEnabled: true,
  help: 'Exposes disk I/O statistics.',
  families: [
    // The /proc/diskstats columns and the udev ATA properties, from their tables.
    ...COLUMNS.map(([name, type, help]) => ({ name, type, help })),
    ...ATA.map(([, name, help]) => ({ name, type: 'gauge' as const, help })),
    { name: 'node_disk_device_mapper_info', type: 'gauge', help: 'Info about disk device mapper.' },
    { name: 'node_disk_filesystem_info', type: 'gauge', help: 'Info about disk filesystem.' },
    { name: 'node_disk_info', type: 'gauge', help: 'Info of /sys/block/<block_device>.' },
  ],
  flags: [
    ...deviceFilterFlags('collector.diskstats.device', 'diskstats devices', DEFAULT_EXCLUDE),
    { name: 'path.udev.data', kind: 'string', default: '', help: 'udev data path (default: <rootfs>/run/udev/data).' },
  ],
  create({ config }) {
    const udevPath = flagString(config, 'path.udev.data')
    const udevCache = new Map<string, string | null>()
    const filter = deviceFilterFrom(config, 'collector.diskstats.device', DEFAULT_EXCLUDE)
    return {
      async collect(ctx) {
        const disks = parseDiskstats(await readOrNoData(ctx, ctx.fs.proc('diskstats'))).filter((d) => !filter.ignored(d.device))
        const udev = await udevDir(ctx, udevPath, udevCache)
        const extra = await Promise.all(
          disks.map(async (d) => {
            const [props, rotational] = await Promise.all([
              udev === null ? undefined : readOptional(ctx, `${udev}/b${d.major}:${d.minor}`),
              readOptional(ctx, ctx.fs.sys('block', d.device, 'queue/rotational')),
            ])
            return { props: props === undefined ? new Map<string, string>() : parseUdevProperties(props), rotational: rotational?.trim() === '1' ? '1' : '0' }
          }),
        )
        const f = new Families()
        disks.forEach((d, i) => {
          const { props, rotational } = extra[i] as (typeof extra)[number]
          const p = (k: string) => props.get(k) ?? ''
          const device = d.device
          f.gauge('node_disk_info', 'Info of /sys/block/<block_device>.', 1, {
            device,
            major: String(d.major),
            minor: String(d.minor),
            path: p('ID_PATH'),
            wwn: p('ID_WWN'),
            model: p('ID_MODEL'),
            serial: p('SCSI_IDENT_SERIAL') || p('ID_SERIAL_SHORT') || p('ID_SERIAL'),
            revision: p('ID_REVISION'),
            rotational,
          })
          d.stats.forEach((v, col) => {
            const [name, type, help, scale] = COLUMNS[col] as (typeof COLUMNS)[number]
            f.add(name, type, help, { device }, v * scale)
          })
          if (p('ID_FS_TYPE') !== '') {
            f.gauge('node_disk_filesystem_info', 'Info about disk filesystem.', 1, {
              device,
              type: p('ID_FS_TYPE'),
              usage: p('ID_FS_USAGE'),
              uuid: p('ID_FS_UUID'),
              version: p('ID_FS_VERSION'),
            })
          }
          if (p('DM_NAME') !== '') {
            f.gauge('node_disk_device_mapper_info', 'Info about disk device mapper.', 1, {
              device,
              name: p('DM_NAME'),
              uuid: p('DM_UUID'),
              vg_name: p('DM_VG_NAME'),
              lv_name: p('DM_LV_NAME'),
              lv_layer: p('DM_LV_LAYER'),
            })
          }
          if (p('ID_ATA') !== '') {
            for (const [prop, name, help] of ATA) {
              const raw = props.get(prop)
              const v = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw)
              if (Number.isFinite(v)) {
                f.gauge(name, help, v, { device })
              }
            }
          }
        })
        return f.list()
      },
    }
  },
}
