import { describe, expect, it } from 'vitest'
import { collectFrom, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B, withSys } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { cpufreqCollector } from './cpufreq.ts'
import { NoDataError } from './types.ts'

describe('cpufreq collector', () => {
  it('exports kHz attributes as Hz and one governor series per available governor', async () => {
    const families = await collectFrom(cpufreqCollector, HOST_B)
    expect(sampleValue(families, 'node_cpu_frequency_hertz', { cpu: '0' })).toBe(1.2e9)
    expect(sampleValue(families, 'node_cpu_frequency_hertz', { cpu: '1' })).toBeUndefined()
    expect(sampleValue(families, 'node_cpu_scaling_frequency_hertz', { cpu: '1' })).toBe(3999999000)
    expect(sampleValue(families, 'node_cpu_frequency_max_hertz', { cpu: '1' })).toBe(4.8e9)
    expect(sampleValue(families, 'node_cpu_scaling_frequency_min_hertz', { cpu: '0' })).toBe(4e8)
    expect(sampleValue(families, 'node_cpu_scaling_governor', { cpu: '0', governor: 'powersave' })).toBe(1)
    expect(sampleValue(families, 'node_cpu_scaling_governor', { cpu: '0', governor: 'performance' })).toBe(0)
    expect(sampleValue(families, 'node_cpu_scaling_governor', { cpu: '1', governor: 'performance' })).toBe(1)
  })

  it('skips offline CPUs and CPUs without cpufreq', async () => {
    const families = await collectFrom(cpufreqCollector, HOST_B)
    const cpus = new Set(samplesOf(families, 'node_cpu_scaling_frequency_hertz').map((s) => s.labels.cpu))
    expect([...cpus].sort()).toEqual(['0', '1'])
  })

  it('reports no data without cpufreq and fails on a garbled frequency', async () => {
    await expect(collectFrom(cpufreqCollector)).rejects.toBeInstanceOf(NoDataError)
    await expect(withSys({ 'devices/system/cpu/cpu0/online': '1\n' }, (o) => collectFrom(cpufreqCollector, o))).rejects.toBeInstanceOf(NoDataError)
    const bad = { 'devices/system/cpu/cpu0/cpufreq/scaling_cur_freq': '1.2 GHz\n' }
    await expect(withSys(bad, (o) => collectFrom(cpufreqCollector, o))).rejects.toBeInstanceOf(ParseError)
  })
})
