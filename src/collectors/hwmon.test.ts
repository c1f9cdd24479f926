import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B } from '../../test/helpers/host-b.ts'
import { elementMetric, hwmonCollector } from './hwmon.ts'
import { NoDataError } from './types.ts'

const AMDGPU = '0000:00:01_0_0000:03:00_0'

describe('hwmon collector', () => {
  it('names chips from the device link, the name file or the directory', async () => {
    const families = await collectFrom(hwmonCollector, HOST_B)
    const chips = new Set(families.flatMap((f) => f.samples.map((s) => s.labels.chip)))
    expect([...chips].sort()).toEqual([
      AMDGPU,
      'hwmon6',
      'platform_applesmc_768',
      'platform_coretemp_0',
      'platform_dell_smm_hwmon_hwmon4',
      'platform_dell_smm_hwmon_hwmon5',
      'platform_thinkpad_hwmon_thinkpad',
      'platform_thinkpad_hwmon_thinkpad_ec',
    ])
    expect(sampleValue(families, 'node_hwmon_chip_names', { chip: 'platform_coretemp_0' })).toBe(1)
    expect(samplesOf(families, 'node_hwmon_chip_names').find((s) => s.labels.chip === AMDGPU)?.labels.chip_name).toBe('amdgpu')
  })

  it('converts units and keeps raw sensor labels', async () => {
    const families = await collectFrom(hwmonCollector, HOST_B)
    const c = { chip: 'platform_coretemp_0', sensor: 'temp1' }
    expect(sampleValue(families, 'node_hwmon_temp_celsius', c)).toBe(45)
    expect(sampleValue(families, 'node_hwmon_temp_crit_celsius', c)).toBe(100)
    expect(sampleValue(families, 'node_hwmon_temp_crit_alarm_celsius', c)).toBe(0)
    expect(sampleValue(families, 'node_hwmon_sensor_label', { ...c, label: 'Package id 0' })).toBe(1)
    const g = (sensor: string) => ({ chip: AMDGPU, sensor })
    expect(sampleValue(families, 'node_hwmon_power_average_watt', g('power1'))).toBe(45)
    expect(sampleValue(families, 'node_hwmon_power_accuracy', g('power1'))).toBe(0.95)
    expect(sampleValue(families, 'node_hwmon_power_average_interval_seconds', g('power1'))).toBe(1)
    expect(sampleValue(families, 'node_hwmon_in_volts', g('in0'))).toBe(0.8)
    expect(sampleValue(families, 'node_hwmon_curr_amps', g('curr1'))).toBe(1.5)
    expect(sampleValue(families, 'node_hwmon_humidity', g('humidity1'))).toBe(0.045)
    expect(sampleValue(families, 'node_hwmon_energy_joule_total', g('energy1'))).toBe(123.456789)
    expect(family(families, 'node_hwmon_energy_joule_total')?.type).toBe('counter')
    expect(sampleValue(families, 'node_hwmon_fan_rpm', g('fan1'))).toBe(1200)
    expect(sampleValue(families, 'node_hwmon_fan_fault', g('fan1'))).toBe(0)
    expect(sampleValue(families, 'node_hwmon_fan_pulses', g('fan1'))).toBe(2)
    expect(sampleValue(families, 'node_hwmon_pwm', g('pwm1'))).toBe(128)
    expect(sampleValue(families, 'node_hwmon_pwm_enable', g('pwm1'))).toBe(2)
    // freq is exported only for labelled sensors, under the label.
    expect(sampleValue(families, 'node_hwmon_freq_freq_mhz', g('sclk'))).toBe(2100)
    expect(samplesOf(families, 'node_hwmon_freq_freq_mhz')).toHaveLength(1)
    // "N/A" and "36000 " do not parse as Go floats: left out.
    expect(sampleValue(families, 'node_hwmon_temp_celsius', g('temp2'))).toBeUndefined()
    expect(sampleValue(families, 'node_hwmon_temp_celsius', g('temp3'))).toBeUndefined()
  })

  it('reads sensors from the device directory and whole-sensor types', async () => {
    const families = await collectFrom(hwmonCollector, HOST_B)
    const apple = { chip: 'platform_applesmc_768', sensor: 'fan1' }
    expect(sampleValue(families, 'node_hwmon_fan_rpm', apple)).toBe(2000)
    expect(sampleValue(families, 'node_hwmon_fan_manual', apple)).toBe(0)
    expect(sampleValue(families, 'node_hwmon_sensor_label', { ...apple, label: 'Left side' })).toBe(1)
    expect(sampleValue(families, 'node_hwmon_beep_enabled', { chip: 'hwmon6' })).toBe(1)
    expect(sampleValue(families, 'node_hwmon_update_interval_seconds', { chip: 'hwmon6' })).toBe(2)
    expect(sampleValue(families, 'node_hwmon_voltage_regulator_version', { chip: 'hwmon6' })).toBe(9.1)
    expect(sampleValue(families, 'node_hwmon_intrusion_alarm', { chip: 'hwmon6', sensor: 'intrusion0' })).toBe(1)
    expect(sampleValue(families, 'node_hwmon_intrusion_beep_enabled', { chip: 'hwmon6', sensor: 'intrusion0' })).toBe(0)
  })

  it('filters chips and chip;sensor pairs', async () => {
    const inc = await collectFrom(hwmonCollector, { ...HOST_B, args: ['--collector.hwmon.chip-include=coretemp|applesmc'] })
    expect(new Set(inc.flatMap((f) => f.samples.map((s) => s.labels.chip)))).toEqual(new Set(['platform_coretemp_0', 'platform_applesmc_768']))
    const exc = await collectFrom(hwmonCollector, { ...HOST_B, args: ['--collector.hwmon.chip-exclude=^platform_', '--collector.hwmon.sensor-exclude=;(pwm|fan)1$'] })
    const chips = new Set(exc.flatMap((f) => f.samples.map((s) => s.labels.chip)))
    expect([...chips].sort()).toEqual([AMDGPU, 'hwmon6'])
    expect(samplesOf(exc, 'node_hwmon_fan_rpm')).toEqual([])
    expect(samplesOf(exc, 'node_hwmon_pwm')).toEqual([])
    // Both of a pair stop the agent at start, when the flags are parsed.
    await expect(collectFrom(hwmonCollector, { ...HOST_B, args: ['--collector.hwmon.chip-include=a', '--collector.hwmon.chip-exclude=b'] })).rejects.toThrow(/mutually exclusive/)
  })

  it('reports no data without /sys/class/hwmon', async () => {
    await expect(collectFrom(hwmonCollector)).rejects.toBeInstanceOf(NoDataError)
  })
})

describe('elementMetric', () => {
  it.each([
    ['temp', 'input', false, 'node_hwmon_temp_celsius', 'Hardware monitor for temperature (input)'],
    ['temp', '', false, 'node_hwmon_temp_celsius', 'Hardware monitor for temperature (input)'],
    ['temp', 'type', false, 'node_hwmon_temp_type', 'Hardware monitor temp element type'],
    ['pwm', 'input', true, 'node_hwmon_pwm_input', 'Hardware monitor pwm element input'],
    ['fan', 'target', false, 'node_hwmon_fan_target_rpm', 'Hardware monitor for fan revolutions per minute (target)'],
    ['fan', 'tolerance', false, 'node_hwmon_fan_tolerance', 'Hardware monitor fan element tolerance'],
    ['in', 'alarm', false, 'node_hwmon_in_alarm', 'Hardware sensor alarm status (in)'],
    ['cpu', 'vid', false, 'node_hwmon_cpu_vid_volts', 'Hardware monitor for voltage (vid)'],
    ['power', 'average_interval_max', false, 'node_hwmon_power_average_interval_max_seconds', 'Hardware monitor power usage update interval (average_interval_max)'],
    ['fan', 'Weird-Prop', false, 'node_hwmon_fan_weird_prop', 'Hardware monitor fan element Weird-Prop'],
  ])('%s/%s', (type, element, hasBare, name, help) => {
    expect(elementMetric(type, element, hasBare)).toMatchObject({ name, help })
  })
})
