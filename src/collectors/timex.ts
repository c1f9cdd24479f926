import { Families } from '../metrics/families.ts'
import { AdjtimexError, adjtimex } from '../platform/adjtimex.ts'
import type { TimexReading } from '../procfs/timex.ts'
import type { CollectorEntry } from './types.ts'
import { NoDataError } from './types.ts'

/** adjtimex's return value when the clock is not synchronised to a reliable server. */
const TIME_ERROR = 5
/** status bit: offset and jitter are in nanoseconds, not microseconds. */
const STA_NANO = 0x2000
/** freq, ppsfreq and stabil are scaled parts per million (adjtimex(2), NOTES). */
const PPM16FRAC = 1_000_000 * 65536
/** |offset| above this is the kernel's overflow artefact (node_exporter issue 3764), counted. */
const OFFSET_OVERFLOW_SECONDS = 4

type Spec = readonly [suffix: string, type: 'gauge' | 'counter', help: string, value: (t: TimexReading, nanoDivisor: number) => number]

/** node_exporter's timex families in its order, each with the conversion it applies. */
const FIELDS: readonly Spec[] = [
  ['frequency_adjustment_ratio', 'gauge', 'Local clock frequency adjustment.', (t) => 1 + t.freq / PPM16FRAC],
  ['maxerror_seconds', 'gauge', 'Maximum error in seconds.', (t) => t.maxerror / 1e6],
  ['estimated_error_seconds', 'gauge', 'Estimated error in seconds.', (t) => t.esterror / 1e6],
  ['status', 'gauge', 'Value of the status array bits.', (t) => t.status],
  ['loop_time_constant', 'gauge', 'Phase-locked loop time constant.', (t) => t.constant],
  ['tick_seconds', 'gauge', 'Seconds between clock ticks.', (t) => t.tick / 1e6],
  ['pps_frequency_hertz', 'gauge', 'Pulse per second frequency.', (t) => t.ppsfreq / PPM16FRAC],
  ['pps_jitter_seconds', 'gauge', 'Pulse per second jitter.', (t, d) => t.jitter / d],
  ['pps_shift_seconds', 'gauge', 'Pulse per second interval duration.', (t) => t.shift],
  ['pps_stability_hertz', 'gauge', 'Pulse per second stability, average of recent frequency changes.', (t) => t.stabil / PPM16FRAC],
  ['pps_jitter_total', 'counter', 'Pulse per second count of jitter limit exceeded events.', (t) => t.jitcnt],
  ['pps_calibration_total', 'counter', 'Pulse per second count of calibration intervals.', (t) => t.calcnt],
  ['pps_error_total', 'counter', 'Pulse per second count of calibration errors.', (t) => t.errcnt],
  ['pps_stability_exceeded_total', 'counter', 'Pulse per second count of stability limit exceeded events.', (t) => t.stbcnt],
  ['tai_offset_seconds', 'gauge', 'International Atomic Time (TAI) offset.', (t) => t.tai],
]

/**
 * node_exporter's timex families from one adjtimex reading. `overflows` is how many
 * readings so far had an offset past OFFSET_OVERFLOW_SECONDS, this one included.
 */
export function timexFamilies(t: TimexReading, overflows: number): Families {
  const divisor = nanoDivisor(t)
  const f = new Families()
  f.gauge('node_timex_sync_status', 'Is clock synchronized to a reliable server (1 = yes, 0 = no).', t.state === TIME_ERROR ? 0 : 1)
  f.gauge('node_timex_offset_seconds', 'Time offset in between local system and reference clock.', t.offset / divisor)
  f.counter(
    'node_timex_offset_overflow_total',
    'Count of adjtimex() offset readings indicating kernel overflow (|offset| > 4s). See https://github.com/prometheus/node_exporter/issues/3764',
    overflows,
  )
  for (const [suffix, type, help, value] of FIELDS) {
    f.add(`node_timex_${suffix}`, type, help, {}, value(t, divisor))
  }
  return f
}

/** Units per second of offset and jitter: nanoseconds with STA_NANO, else microseconds. */
function nanoDivisor(t: TimexReading): number {
  return (t.status & STA_NANO) !== 0 ? 1e9 : 1e6
}

/** True when the reading's offset is the kernel's overflow artefact. */
export function offsetOverflowed(t: TimexReading): boolean {
  return Math.abs(t.offset / nanoDivisor(t)) > OFFSET_OVERFLOW_SECONDS
}

/**
 * The kernel clock's discipline from adjtimex(2), as node_exporter's timex collector: what
 * node-mixin's NodeClockNotSynchronising and NodeClockSkewDetected alert on. A system
 * call, not a file, so it reads the running kernel whatever --path.* says (as
 * node_exporter does). `read` is injected for tests.
 */
export function createTimexCollector(read: () => Promise<TimexReading> = adjtimex): CollectorEntry {
  return {
    name: 'timex',
    defaultEnabled: true,
    help: 'Exposes selected adjtimex(2) system call stats.',
    families: [
      // The adjtimex fields table, then what no table holds.
      ...FIELDS.map(([suffix, type, help]) => ({ name: `node_timex_${suffix}`, type, help })),
      {
        name: 'node_timex_offset_overflow_total',
        type: 'counter',
        help: 'Count of adjtimex() offset readings indicating kernel overflow (|offset| > 4s). See https://github.com/prometheus/node_exporter/issues/3764',
      },
      { name: 'node_timex_offset_seconds', type: 'gauge', help: 'Time offset in between local system and reference clock.' },
      { name: 'node_timex_sync_status', type: 'gauge', help: 'Is clock synchronized to a reliable server (1 = yes, 0 = no).' },
    ],
    create() {
      let overflows = 0
      return {
        async collect() {
          let reading: TimexReading
          try {
            reading = await read()
          } catch (err) {
            if (err instanceof AdjtimexError && (err.code === 'UNSUPPORTED' || err.code === 'EPERM')) {
              throw new NoDataError(`not collecting timex metrics: ${err.message}`, { cause: err })
            }
            throw err
          }
          if (offsetOverflowed(reading)) {
            overflows++
          }
          return timexFamilies(reading, overflows).list()
        },
      }
    },
  }
}

export const timexCollector = createTimexCollector()
