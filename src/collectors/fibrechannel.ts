import { join } from 'node:path'
import { Families } from '../metrics/families.ts'
import { isNotFound } from '../platform/host-fs.ts'
import { fcHexAttribute, parseFcCounter } from '../procfs/fibrechannel.ts'
import { readIfPresent, readUnless } from './read.ts'
import { sysClassDevices } from './sysfs-link.ts'
import type { CollectorEntry } from './types.ts'
import { NoDataError } from './types.ts'

/** node_fibrechannel_info labels: label, file under /sys/class/fc_host/<host>/, "0x" prefix dropped. */
const INFO: readonly (readonly [label: string, file: string, hex: boolean])[] = [
  ['speed', 'speed', false],
  ['port_state', 'port_state', false],
  ['port_type', 'port_type', false],
  ['port_id', 'port_id', true],
  ['port_name', 'port_name', true],
  ['fabric_name', 'fabric_name', true],
  ['symbolic_name', 'symbolic_name', false],
  ['supported_classes', 'supported_classes', false],
  ['supported_speeds', 'supported_speeds', false],
  ['dev_loss_tmo', 'dev_loss_tmo', false],
]

/** statistics/ counters: file, metric suffix, help, in node_exporter's order. */
const COUNTERS: readonly (readonly [file: string, metric: string, help: string])[] = [
  ['dumped_frames', 'dumped_frames_total', 'Number of dumped frames'],
  ['error_frames', 'error_frames_total', 'Number of errors in frames'],
  ['invalid_crc_count', 'invalid_crc_total', 'Invalid Cyclic Redundancy Check count'],
  ['rx_frames', 'rx_frames_total', 'Number of frames received'],
  ['rx_words', 'rx_words_total', 'Number of words received by host port'],
  ['tx_frames', 'tx_frames_total', 'Number of frames transmitted by host port'],
  ['tx_words', 'tx_words_total', 'Number of words transmitted by host port'],
  ['seconds_since_last_reset', 'seconds_since_last_reset_total', 'Number of seconds since last host port reset'],
  ['invalid_tx_word_count', 'invalid_tx_words_total', 'Number of invalid words transmitted by host port'],
  ['link_failure_count', 'link_failure_total', 'Number of times the host port link has failed'],
  ['loss_of_sync_count', 'loss_of_sync_total', 'Number of failures on either bit or transmission word boundaries'],
  ['loss_of_signal_count', 'loss_of_signal_total', 'Number of times signal has been lost'],
  ['nos_count', 'nos_total', 'Number Not_Operational Primitive Sequence received by host port'],
  ['fcp_packet_aborts', 'fcp_packet_aborts_total', 'Number of aborted packets'],
]

const INFO_HELP = 'Non-numeric data from /sys/class/fc_host/<host>, value is always 1.'

/** Statistics read errors procfs skips (write-only or unsupported files; EISDIR: not a regular file). */
const SKIPPED_READ_ERRORS: ReadonlySet<string> = new Set(['ENOENT', 'EOPNOTSUPP', 'ENOTSUP', 'EINVAL', 'EISDIR'])

/**
 * Fibre Channel HBAs from /sys/class/fc_host/<host>/: an info metric and the statistics/
 * counters. As node_exporter, a counter file that is absent reads as 0 and a counter at
 * 2^64-1 (not implemented by the firmware) is left out; a host without statistics/ makes
 * the whole collector report no data, as procfs' not-exist error does there.
 */
export const fibrechannelCollector: CollectorEntry = {
  name: 'fibrechannel',
  defaultEnabled: true,
  help: 'Exposes fibre channel information and statistics from /sys/class/fc_host/.',
  families: [
    // The statistics table, then what no table holds.
    ...COUNTERS.map(([, metric, help]) => ({ name: `node_fibrechannel_${metric}`, type: 'counter' as const, help })),
    { name: 'node_fibrechannel_info', type: 'gauge', help: INFO_HELP },
  ],
  create: () => ({
    async collect(ctx) {
      const hosts = await sysClassDevices(ctx, 'fc_host')
      const f = new Families()
      for (const { name, dir } of hosts) {
        const statsDir = join(dir, 'statistics')
        try {
          await ctx.fs.readdir(statsDir)
        } catch (err) {
          throw isNotFound(err) ? new NoDataError(`${statsDir} not found`, { cause: err }) : err
        }
        const [attributes, counters] = await Promise.all([
          // An attribute the driver leaves out (node_exporter#2919) is ''.
          Promise.all(INFO.map(async ([, file]) => (await readIfPresent(ctx, join(dir, file))) ?? '')),
          Promise.all(COUNTERS.map(([file]) => readUnless(ctx, join(statsDir, file), SKIPPED_READ_ERRORS))),
        ])
        const labels: Record<string, string> = { fc_host: name }
        INFO.forEach(([label, , hex], i) => {
          const text = attributes[i] as string
          labels[label] = hex ? fcHexAttribute(text) : text.trim()
        })
        f.gauge('node_fibrechannel_info', INFO_HELP, 1, labels)
        COUNTERS.forEach(([file, metric, help], i) => {
          const text = counters[i]
          const value = text === undefined ? 0 : parseFcCounter(text, join(statsDir, file))
          if (value !== undefined) {
            f.counter(`node_fibrechannel_${metric}`, help, value, { fc_host: name })
          }
        })
      }
      return f.list()
    },
  }),
}
