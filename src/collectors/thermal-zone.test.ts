import { describe, expect, it } from 'vitest'
import { collectFrom, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B, withSys } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { thermalZoneCollector } from './thermal-zone.ts'
import { NoDataError } from './types.ts'

describe('thermal_zone collector', () => {
  it('exports zone temperatures in Celsius, skipping zones without a reading', async () => {
    const families = await collectFrom(thermalZoneCollector, HOST_B)
    expect(samplesOf(families, 'node_thermal_zone_temp')).toEqual([
      { labels: { zone: '0', type: 'x86_pkg_temp' }, value: 47 },
      { labels: { zone: '1', type: 'acpitz' }, value: -2.5 },
    ])
  })

  it('exports cooling device states', async () => {
    const families = await collectFrom(thermalZoneCollector, HOST_B)
    expect(sampleValue(families, 'node_cooling_device_max_state', { name: '1', type: 'intel_powerclamp' })).toBe(50)
    expect(sampleValue(families, 'node_cooling_device_cur_state', { name: '0', type: 'Fan' })).toBe(0)
  })

  it('reports no data without /sys/class/thermal and fails on a garbled temperature', async () => {
    await expect(collectFrom(thermalZoneCollector)).rejects.toBeInstanceOf(NoDataError)
    const files = { 'class/thermal/thermal_zone0/type': 'x\n', 'class/thermal/thermal_zone0/policy': 'p\n', 'class/thermal/thermal_zone0/temp': 'hot\n' }
    await expect(withSys(files, (o) => collectFrom(thermalZoneCollector, o))).rejects.toBeInstanceOf(ParseError)
  })
})
