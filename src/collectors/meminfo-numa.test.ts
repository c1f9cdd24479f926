import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { fsError, hostA, overlayFS } from '../../test/fixtures/host-a/host.ts'
import { meminfoNumaCollector } from './meminfo-numa.ts'
import { NoDataError } from './types.ts'

describe('meminfo_numa collector on host-a', () => {
  it('exposes node meminfo as gauges (bytes) and numastat as counters, labelled by node', async () => {
    const fams = await collectFrom(meminfoNumaCollector, hostA)
    expect(sampleValue(fams, 'node_memory_numa_MemTotal', { node: '0' })).toBe(15728640 * 1024)
    expect(sampleValue(fams, 'node_memory_numa_Active_anon', { node: '0' })).toBe(2550784 * 1024)
    expect(sampleValue(fams, 'node_memory_numa_HugePages_Total', { node: '0' })).toBe(0)
    expect(sampleValue(fams, 'node_memory_numa_numa_hit_total', { node: '0' })).toBe(2290114532)
    expect(family(fams, 'node_memory_numa_numa_hit_total')).toMatchObject({ type: 'counter', help: 'Memory information field numa_hit_total.' })
    expect(family(fams, 'node_memory_numa_MemFree')).toMatchObject({ type: 'gauge', help: 'Memory information field MemFree.' })
    expect(samplesOf(fams, 'node_memory_numa_interleave_hit_total')).toEqual([{ labels: { node: '0' }, value: 4102 }])
  })

  it('is no data without NUMA sysfs, and fails when a node file is unreadable', async () => {
    await expect(collectFrom(meminfoNumaCollector, { sysfs: '/nonexistent' })).rejects.toBeInstanceOf(NoDataError)
    const denied = overlayFS({ 'sys/devices/system/node/node0/numastat': fsError('EACCES', 'numastat') })
    const err = await collectFrom(meminfoNumaCollector, { ...hostA, fs: denied }).catch((e: unknown) => e)
    expect(err).not.toBeInstanceOf(NoDataError)
    expect(String(err)).toMatch(/numastat/)
  })
})
