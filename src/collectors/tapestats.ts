import { join } from 'node:path'
import { Families } from '../metrics/families.ts'
import type { MetricType } from '../metrics/types.ts'
import { isNotFound } from '../platform/host-fs.ts'
import { parseSysfsUint64 } from '../procfs/sysfs-uint64.ts'
import { compileFlagRegex } from './flag-regex.ts'
import { readIfPresent } from './read.ts'
import { sysClassDevices } from './sysfs-link.ts'
import type { CollectorEntry } from './types.ts'
import { NoDataError } from './types.ts'
import { regexpFlag } from './device-filter.ts'

/** stats/ files: file, metric suffix, type, scale (ns to seconds), help; node_exporter's order. */
const STATS: readonly (readonly [file: string, metric: string, type: MetricType, scale: number, help: string])[] = [
  ['in_flight', 'io_now', 'gauge', 1, 'The number of I/Os currently outstanding to this device.'],
  [
    'io_ns',
    'io_time_seconds_total',
    'counter',
    0.000000001,
    'The amount of time spent waiting for all I/O to complete (including read and write). This includes tape movement commands such as seeking between file or set marks and implicit tape movement such as when rewind on close tape devices are used.',
  ],
  [
    'other_cnt',
    'io_others_total',
    'counter',
    1,
    'The number of I/Os issued to the tape drive other than read or write commands. The time taken to complete these commands uses the following calculation io_time_seconds_total-read_time_seconds_total-write_time_seconds_total',
  ],
  ['read_byte_cnt', 'read_bytes_total', 'counter', 1, 'The number of bytes read from the tape drive.'],
  ['read_cnt', 'reads_completed_total', 'counter', 1, 'The number of read requests issued to the tape drive.'],
  ['read_ns', 'read_time_seconds_total', 'counter', 0.000000001, 'The amount of time spent waiting for read requests to complete.'],
  // sic: "thean" is node_exporter's help text.
  [
    'resid_cnt',
    'residual_total',
    'counter',
    1,
    'The number of times during a read or write we found the residual amount to be non-zero. This should mean that a program is issuing a read larger thean the block size on tape. For write not all data made it to tape.',
  ],
  ['write_byte_cnt', 'written_bytes_total', 'counter', 1, 'The number of bytes written to the tape drive.'],
  ['write_cnt', 'writes_completed_total', 'counter', 1, 'The number of write requests issued to the tape drive.'],
  ['write_ns', 'write_time_seconds_total', 'counter', 0.000000001, 'The amount of time spent waiting for write requests to complete.'],
]

/**
 * procfs reads st0, st1, ...: the nst*, st*a/l/m entries are other device nodes (no-rewind,
 * modes) of the same drive with the same counters.
 */
const TAPE = /^st\d+$/

const IGNORED_FLAG = 'collector.tapestats.ignored-devices'

/**
 * SCSI tape drive statistics from /sys/class/scsi_tape/st<N>/stats/. A drive without
 * stats/ (kernels before 4.2) makes the collector report no data, as procfs' not-exist
 * error does in node_exporter.
 */
export const tapestatsCollector: CollectorEntry = {
  name: 'tapestats',
  defaultEnabled: true,
  help: 'Exposes statistics from /sys/class/scsi_tape.',
  families: [...STATS.map(([, metric, type, , help]) => ({ name: `node_tape_${metric}`, type, help }))],
  flags: [{ name: IGNORED_FLAG, kind: 'string', check: regexpFlag, default: '^$', help: 'Regexp of devices to ignore for tapestats.' }],
  create({ config }) {
    const ignored = compileFlagRegex(config, IGNORED_FLAG)
    return {
      async collect(ctx) {
        const tapes = (await sysClassDevices(ctx, 'scsi_tape')).filter((t) => TAPE.test(t.name))
        const f = new Families()
        for (const { name, dir } of tapes.filter((t) => !ignored.test(t.name))) {
          const statsDir = join(dir, 'stats')
          try {
            await ctx.fs.readdir(statsDir)
          } catch (err) {
            throw isNotFound(err) ? new NoDataError(`${statsDir} not found`, { cause: err }) : err
          }
          const texts = await Promise.all(STATS.map(([file]) => readIfPresent(ctx, join(statsDir, file))))
          STATS.forEach(([file, metric, type, scale, help], i) => {
            const text = texts[i]
            const raw = text === undefined ? 0 : Number(parseSysfsUint64(text, join(statsDir, file)))
            f.add(`node_tape_${metric}`, type, help, { device: name }, scale === 1 ? raw : raw * scale)
          })
        }
        return f.list()
      },
    }
  },
}
