import { describe, expect, it } from 'vitest'
import { collectFrom, contextFor, createFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { fsError, hostA, overlayFS } from '../../test/fixtures/host-a/host.ts'
import { cpuCollector } from './cpu.ts'
import { NoDataError } from './types.ts'

describe('cpu collector on host-a', () => {
  it('exposes node_cpu_seconds_total per CPU and mode in seconds', async () => {
    const fams = await collectFrom(cpuCollector, hostA)
    expect(samplesOf(fams, 'node_cpu_seconds_total')).toHaveLength(4 * 8)
    expect(sampleValue(fams, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' })).toBe(4605.11)
    expect(sampleValue(fams, 'node_cpu_seconds_total', { cpu: '3', mode: 'idle' })).toBe(113070.47)
    expect(sampleValue(fams, 'node_cpu_guest_seconds_total', { cpu: '1', mode: 'user' })).toBe(7.4)
    expect(sampleValue(fams, 'node_cpu_guest_seconds_total', { cpu: '1', mode: 'nice' })).toBe(0.21)
    expect(family(fams, 'node_cpu_seconds_total')).toMatchObject({ type: 'counter', help: 'Seconds the CPUs spent in each mode.' })
  })

  it('exposes cpu info, every flag and bug of the first core by default, and honours the include regexps', async () => {
    const fams = await collectFrom(cpuCollector, hostA)
    expect(samplesOf(fams, 'node_cpu_info')).toHaveLength(4)
    expect(samplesOf(fams, 'node_cpu_info')[2]?.labels).toEqual({
      package: '0',
      core: '0',
      cpu: '2',
      vendor: 'AuthenticAMD',
      family: '25',
      model: '80',
      model_name: 'AMD Ryzen 5 5600U with Radeon Graphics',
      microcode: '0xa50000c',
      stepping: '0',
      cachesize: '512 KB',
    })
    expect(samplesOf(fams, 'node_cpu_flag_info').length).toBeGreaterThan(100)
    expect(samplesOf(fams, 'node_cpu_frequency_hertz')[1]).toEqual({ labels: { package: '0', core: '1', cpu: '1' }, value: 1_397_000_000 })
    expect(samplesOf(fams, 'node_cpu_bug_info').map((s) => s.labels.bug)).toEqual(['sysret_ss_attrs', 'spectre_v1', 'spectre_v2', 'spec_store_bypass', 'srso'])

    const filtered = await collectFrom(cpuCollector, {
      ...hostA,
      args: ['--collector.cpu.info.flags-include=^(aes|avx.?|constant_tsc)$', '--collector.cpu.info.bugs-include=^spectre_'],
    })
    expect(samplesOf(filtered, 'node_cpu_flag_info').map((s) => s.labels.flag)).toEqual(['constant_tsc', 'aes', 'avx', 'avx2'])
    expect(samplesOf(filtered, 'node_cpu_bug_info').map((s) => s.labels.bug)).toEqual(['spectre_v1', 'spectre_v2'])

    const off = await collectFrom(cpuCollector, { ...hostA, args: ['--no-collector.cpu.info', '--no-collector.cpu.guest'] })
    expect(family(off, 'node_cpu_info')).toBeUndefined()
    expect(family(off, 'node_cpu_guest_seconds_total')).toBeUndefined()
  })

  it('reads isolation, throttles (once per core and package) and skips node_cpu_online without cpu0/online', async () => {
    const fams = await collectFrom(cpuCollector, hostA)
    expect(samplesOf(fams, 'node_cpu_isolated')).toEqual([{ labels: { cpu: '3' }, value: 1 }])
    expect(samplesOf(fams, 'node_cpu_package_throttles_total')).toEqual([{ labels: { package: '0' }, value: 41 }])
    expect(samplesOf(fams, 'node_cpu_core_throttles_total')).toEqual([
      { labels: { package: '0', core: '0' }, value: 14 },
      { labels: { package: '0', core: '1' }, value: 3 },
    ])
    expect(family(fams, 'node_cpu_online')).toBeUndefined()

    const hotplug = overlayFS({ 'sys/devices/system/cpu/cpu0/online': '1\n', 'sys/devices/system/cpu/cpu2/online': '0\n' })
    const withOnline = await collectFrom(cpuCollector, { ...hostA, fs: hotplug })
    expect(samplesOf(withOnline, 'node_cpu_online').map((s) => [s.labels.cpu, s.value])).toEqual([
      ['0', 1],
      ['1', 1],
      ['2', 0],
      ['3', 1],
    ])
  })

  it('never lets a counter go backwards, and resets a CPU whose idle jumps back 3 s (hotplug)', async () => {
    const c = createFrom(cpuCollector, hostA)
    const line = (user: number, idle: number) => `cpu0 ${user} 0 0 ${idle} 0 0 0 0 0 0\n`
    const run = async (text: string) => {
      const fams = await c.collect(contextFor(c, { ...hostA, fs: overlayFS({ 'proc/stat': text }) }))
      return [sampleValue(fams, 'node_cpu_seconds_total', { cpu: '0', mode: 'user' }), sampleValue(fams, 'node_cpu_seconds_total', { cpu: '0', mode: 'idle' })]
    }
    expect(await run(line(1000, 5000))).toEqual([10, 50])
    expect(await run(line(900, 4900))).toEqual([10, 50])
    expect(await run(line(700, 100))).toEqual([7, 1])
    expect(await run('cpu1 1 1 1 1\n')).toEqual([undefined, undefined])
  })

  it('treats a malformed isolated list as absent, missing /proc/stat as no data, EACCES as failure', async () => {
    const bad = await collectFrom(cpuCollector, { ...hostA, fs: overlayFS({ 'sys/devices/system/cpu/isolated': '1,x\n' }) })
    expect(family(bad, 'node_cpu_isolated')).toBeUndefined()
    expect(samplesOf(bad, 'node_cpu_seconds_total').length).toBe(32)
    await expect(collectFrom(cpuCollector, { procfs: '/nonexistent' })).rejects.toBeInstanceOf(NoDataError)
    const denied = await collectFrom(cpuCollector, { ...hostA, fs: overlayFS({ 'proc/stat': fsError('EACCES', 'proc/stat') }) }).catch((e: unknown) => e)
    expect(denied).not.toBeInstanceOf(NoDataError)
    expect(String(denied)).toMatch(/EACCES/)
  })
})
