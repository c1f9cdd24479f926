import { describe, expect, it } from 'vitest'
import { collectFrom, createFrom, sampleValue } from '../../test/helpers/collect.ts'
import { AdjtimexError } from '../platform/adjtimex.ts'
import type { TimexReading } from '../procfs/timex.ts'
import { createTimexCollector, timexCollector, timexFamilies } from './timex.ts'
import { NoDataError } from './types.ts'

const UNSYNCED: TimexReading = {
  state: 5,
  offset: 0,
  freq: 0,
  maxerror: 16_000_000,
  esterror: 16_000_000,
  status: 0x2040,
  constant: 2,
  precision: 1,
  tolerance: 32_768_000,
  tick: 10_000,
  ppsfreq: 0,
  jitter: 0,
  shift: 0,
  stabil: 0,
  jitcnt: 0,
  calcnt: 0,
  errcnt: 0,
  stbcnt: 0,
  tai: 0,
}

describe('timex families', () => {
  it('an unsynchronised clock: the values node_exporter printed for the same adjtimex reading on this host', () => {
    const families = timexFamilies(UNSYNCED, 0).list()
    const want: Record<string, number> = {
      node_timex_sync_status: 0,
      node_timex_offset_seconds: 0,
      node_timex_frequency_adjustment_ratio: 1,
      node_timex_maxerror_seconds: 16,
      node_timex_estimated_error_seconds: 16,
      node_timex_status: 8256,
      node_timex_loop_time_constant: 2,
      node_timex_tick_seconds: 0.01,
      node_timex_pps_frequency_hertz: 0,
      node_timex_pps_jitter_seconds: 0,
      node_timex_pps_shift_seconds: 0,
      node_timex_pps_stability_hertz: 0,
      node_timex_pps_jitter_total: 0,
      node_timex_pps_calibration_total: 0,
      node_timex_pps_error_total: 0,
      node_timex_pps_stability_exceeded_total: 0,
      node_timex_tai_offset_seconds: 0,
      node_timex_offset_overflow_total: 0,
    }
    for (const [name, value] of Object.entries(want)) {
      expect(sampleValue(families, name), name).toBe(value)
    }
    expect(families).toHaveLength(Object.keys(want).length)
    expect(families.find((f) => f.name === 'node_timex_pps_error_total')?.type).toBe('counter')
    expect(families.find((f) => f.name === 'node_timex_offset_seconds')?.type).toBe('gauge')
  })

  it.each([
    { name: 'STA_NANO set: offset and jitter in nanoseconds', status: 0x2001, offset: -1_500_000, jitter: 2_000, wantOffset: -0.0015, wantJitter: 2e-6 },
    { name: 'STA_NANO clear: in microseconds', status: 0x0001, offset: -1_500, jitter: 2, wantOffset: -0.0015, wantJitter: 2e-6 },
  ])('$name', ({ status, offset, jitter, wantOffset, wantJitter }) => {
    const families = timexFamilies({ ...UNSYNCED, state: 0, status, offset, jitter }, 0).list()
    expect(sampleValue(families, 'node_timex_sync_status')).toBe(1)
    expect(sampleValue(families, 'node_timex_offset_seconds')).toBeCloseTo(wantOffset, 12)
    expect(sampleValue(families, 'node_timex_pps_jitter_seconds')).toBeCloseTo(wantJitter, 12)
  })

  it('scales freq, ppsfreq and stabil from 16-bit fractional ppm', () => {
    const families = timexFamilies({ ...UNSYNCED, freq: 65536 * 10, ppsfreq: 65536 * 2, stabil: 65536 }, 0).list()
    expect(sampleValue(families, 'node_timex_frequency_adjustment_ratio')).toBeCloseTo(1.00001, 12)
    expect(sampleValue(families, 'node_timex_pps_frequency_hertz')).toBeCloseTo(2e-6, 15)
    expect(sampleValue(families, 'node_timex_pps_stability_hertz')).toBeCloseTo(1e-6, 15)
  })
})

describe('timex collector', () => {
  it('counts readings whose offset passes 4 s (the kernel overflow artefact), across runs', async () => {
    const readings = [UNSYNCED, { ...UNSYNCED, status: 0x2000, offset: 4_294_967_296 }, UNSYNCED, { ...UNSYNCED, status: 0, offset: -5_000_000 }]
    const collector = createFrom(createTimexCollector(async () => readings.shift() as TimexReading))
    const overflow = []
    for (let i = 0; i < 4; i++) {
      overflow.push(sampleValue(await collectFrom(collector), 'node_timex_offset_overflow_total'))
    }
    expect(overflow).toEqual([0, 1, 1, 2])
  })

  it.each([
    { name: 'a runtime without bun:ffi', err: new AdjtimexError('not bun', 'UNSUPPORTED') },
    { name: 'a seccomp profile that forbids adjtimex', err: new AdjtimexError('adjtimex failed with errno 1', 'EPERM') },
  ])('$name is no data, as node_exporter treats EPERM', async ({ err }) => {
    const collector = createTimexCollector(() => Promise.reject(err))
    await expect(collectFrom(collector)).rejects.toBeInstanceOf(NoDataError)
  })

  it('any other failure is an error', async () => {
    const collector = createTimexCollector(() => Promise.reject(new AdjtimexError('adjtimex failed with errno 14', 'EFAULT')))
    await expect(collectFrom(collector)).rejects.toThrow(/errno 14/)
  })

  it.runIf(process.versions.bun === undefined)('under Node (this test run) the real call reports no data instead of failing', async () => {
    await expect(collectFrom(timexCollector)).rejects.toBeInstanceOf(NoDataError)
  })
})
