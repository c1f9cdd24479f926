import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { hostA } from '../../test/fixtures/host-a/host.ts'
import { localZone, timeCollector } from './time.ts'

describe('time collector', () => {
  it('exposes the injected clock, the zone offset and clocksources as node_exporter', async () => {
    const fams = await collectFrom(timeCollector, { ...hostA, now: () => 1_700_000_000_250 })
    expect(sampleValue(fams, 'node_time_seconds')).toBe(1_700_000_000.25)
    const zone = localZone(1_700_000_000_250)
    expect(samplesOf(fams, 'node_time_zone_offset_seconds')).toEqual([{ labels: { time_zone: zone.name }, value: zone.offsetSeconds }])
    expect(samplesOf(fams, 'node_time_clocksource_available_info').map((s) => s.labels)).toEqual([
      { device: '0', clocksource: 'tsc' },
      { device: '0', clocksource: 'hpet' },
      { device: '0', clocksource: 'acpi_pm' },
    ])
    expect(samplesOf(fams, 'node_time_clocksource_current_info')).toEqual([{ labels: { device: '0', clocksource: 'tsc' }, value: 1 }])
    expect(family(fams, 'node_time_seconds')?.help).toBe('System time in seconds since epoch (1970).')
  })

  it('still reports the time without clocksource sysfs', async () => {
    const fams = await collectFrom(timeCollector, { sysfs: '/nonexistent' })
    expect(family(fams, 'node_time_seconds')).toBeDefined()
    expect(family(fams, 'node_time_clocksource_current_info')).toBeUndefined()
  })

  it.each([
    ['UTC', Date.UTC(2024, 0, 1), { name: 'UTC', offsetSeconds: 0 }],
    ['America/New_York', Date.UTC(2024, 0, 1), { name: 'EST', offsetSeconds: -18000 }],
    ['America/New_York', Date.UTC(2024, 6, 1), { name: 'EDT', offsetSeconds: -14400 }],
    // Either side of a transition (2024-03-10 07:00 UTC), one quarter hour apart.
    ['America/New_York', Date.UTC(2024, 2, 10, 6, 59, 59), { name: 'EST', offsetSeconds: -18000 }],
    ['America/New_York', Date.UTC(2024, 2, 10, 7, 0, 0), { name: 'EDT', offsetSeconds: -14400 }],
    // Lord Howe moves by half an hour at 02:00 local (15:00 UTC); Chatham's offset is +13:45.
    ['Australia/Lord_Howe', Date.UTC(2024, 3, 6, 14, 59, 59), { name: 'GMT+11', offsetSeconds: 39600 }],
    ['Australia/Lord_Howe', Date.UTC(2024, 3, 6, 15, 0, 0), { name: 'GMT+10:30', offsetSeconds: 37800 }],
    ['Pacific/Chatham', Date.UTC(2024, 0, 1), { name: 'GMT+13:45', offsetSeconds: 49500 }],
  ])('names %s at %d as Go does', (tz, ms, want) => {
    const saved = process.env.TZ
    process.env.TZ = tz
    try {
      expect(localZone(ms)).toEqual(want)
    } finally {
      if (saved === undefined) {
        delete process.env.TZ
      } else {
        process.env.TZ = saved
      }
    }
  })
})
