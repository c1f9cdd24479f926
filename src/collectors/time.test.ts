import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, valueOf } from '../../test/helpers/collect.ts'
import { hostA } from '../../test/fixtures/host-a/host.ts'
import { localZone, timeCollector } from './time.ts'

describe('time collector', () => {
  it('exposes the injected clock, the zone offset and clocksources as node_exporter', async () => {
    const fams = await collectFrom(timeCollector, { ...hostA, now: () => 1_700_000_000_250 })
    expect(valueOf(fams, 'node_time_seconds')).toBe(1_700_000_000.25)
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
  ])('names %s as Go does', (tz, ms, want) => {
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
