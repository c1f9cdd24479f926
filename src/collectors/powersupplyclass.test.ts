import { describe, expect, it } from 'vitest'
import { collectFrom, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B } from '../../test/helpers/host-b.ts'
import { powersupplyclassCollector } from './powersupplyclass.ts'
import { NoDataError } from './types.ts'

describe('powersupplyclass collector', () => {
  it('exports battery values in base units', async () => {
    const families = await collectFrom(powersupplyclassCollector, HOST_B)
    const bat = { power_supply: 'BAT1' }
    expect(sampleValue(families, 'node_power_supply_capacity', bat)).toBe(54)
    expect(sampleValue(families, 'node_power_supply_cyclecount', bat)).toBe(112)
    expect(sampleValue(families, 'node_power_supply_voltage_volt', bat)).toBe(16.82)
    expect(sampleValue(families, 'node_power_supply_current_ampere', bat)).toBe(1.23)
    expect(sampleValue(families, 'node_power_supply_charge_ampere', bat)).toBe(2.1)
    expect(sampleValue(families, 'node_power_supply_temp_celsius', bat)).toBe(31.2)
    // time_to_empty_now holds "bogus": left out.
    expect(sampleValue(families, 'node_power_supply_time_to_empty_seconds', bat)).toBeUndefined()
    expect(sampleValue(families, 'node_power_supply_online', { power_supply: 'ADP1' })).toBe(1)
  })

  it('puts non-empty string attributes in the info labels', async () => {
    const families = await collectFrom(powersupplyclassCollector, HOST_B)
    const info = samplesOf(families, 'node_power_supply_info')
    expect(info.find((s) => s.labels.power_supply === 'BAT1')?.labels).toEqual({
      power_supply: 'BAT1',
      capacity_level: 'Normal',
      health: 'Good',
      manufacturer: 'SMP',
      model_name: 'DELL 7FHF',
      serial_number: '4711',
      status: 'Charging',
      technology: 'Li-poly',
      type: 'Battery',
    })
    expect(info.find((s) => s.labels.power_supply === 'ADP1')?.labels).toEqual({ power_supply: 'ADP1', type: 'Mains' })
  })

  it('skips supplies matching --collector.powersupply.ignored-supplies', async () => {
    const families = await collectFrom(powersupplyclassCollector, { ...HOST_B, args: ['--collector.powersupply.ignored-supplies=^(ADP|ucsi)'] })
    expect(samplesOf(families, 'node_power_supply_info').map((s) => s.labels.power_supply)).toEqual(['BAT1'])
  })

  it('reports no data without /sys/class/power_supply', async () => {
    await expect(collectFrom(powersupplyclassCollector)).rejects.toBeInstanceOf(NoDataError)
  })
})
