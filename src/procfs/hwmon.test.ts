import { describe, expect, it } from 'vitest'
import { cleanMetricName, explodeSensorFilename } from './hwmon.ts'

describe('explodeSensorFilename', () => {
  it.each([
    ['temp1_input', { type: 'temp', num: 1, property: 'input' }],
    ['temp12_crit_alarm', { type: 'temp', num: 12, property: 'crit_alarm' }],
    ['pwm1', { type: 'pwm', num: 1, property: '' }],
    ['pwm1_auto_point2_temp', { type: 'pwm', num: 1, property: 'auto_point2_temp' }],
    ['beep_enable', { type: 'beep_enable', num: 0, property: '' }],
    ['in0_input', { type: 'in', num: 0, property: 'input' }],
    ['name', { type: 'name', num: 0, property: '' }],
  ])('%s', (name, want) => {
    expect(explodeSensorFilename(name)).toEqual(want)
  })

  it.each(['', '1temp', '99999999999999999999999_input'])('rejects %j', (name) => {
    expect(explodeSensorFilename(name)).toBeUndefined()
  })
})

describe('cleanMetricName', () => {
  it.each([
    ['Core 0', 'core_0'],
    ['coretemp\n', 'coretemp'],
    ['asus-nb-wmi', 'asus_nb_wmi'],
    ['  __x:y__ ', 'x:y'],
    ['Ünïcode', 'n_code'],
    ['---', ''],
  ])('%j -> %j', (raw, want) => {
    expect(cleanMetricName(raw)).toBe(want)
  })
})
