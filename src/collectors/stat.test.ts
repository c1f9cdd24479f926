import { describe, expect, it } from 'vitest'
import { collectFrom, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { fsError, hostA, overlayFS } from '../../test/fixtures/host-a/host.ts'
import { statCollector } from './stat.ts'
import { NoDataError } from './types.ts'

describe('stat collector on host-a', () => {
  it('exposes /proc/stat scalars with node_exporter names and types', async () => {
    const fams = await collectFrom(statCollector, hostA)
    expect(sampleValue(fams, 'node_boot_time_seconds')).toBe(1732000000)
    expect(sampleValue(fams, 'node_context_switches_total')).toBe(702193844)
    expect(sampleValue(fams, 'node_forks_total')).toBe(1538214)
    expect(sampleValue(fams, 'node_intr_total')).toBe(389124577)
    expect(sampleValue(fams, 'node_procs_running')).toBe(3)
    expect(sampleValue(fams, 'node_procs_blocked')).toBe(1)
    expect(Object.fromEntries(fams.map((f) => [f.name, f.type]))).toMatchObject({
      node_boot_time_seconds: 'gauge',
      node_context_switches_total: 'counter',
      node_forks_total: 'counter',
      node_intr_total: 'counter',
      node_procs_running: 'gauge',
      node_procs_blocked: 'gauge',
      node_softirqs_total: 'counter',
    })
  })

  it('exposes node_softirqs_total per vector by default, and not with --no-collector.stat.softirq', async () => {
    const on = await collectFrom(statCollector, hostA)
    expect(samplesOf(on, 'node_softirqs_total')).toHaveLength(10)
    expect(sampleValue(on, 'node_softirqs_total', { vector: 'net_rx' })).toBe(8721930)
    expect(sampleValue(on, 'node_softirqs_total', { vector: 'block_iopoll' })).toBe(0)
    const off = await collectFrom(statCollector, { ...hostA, args: ['--no-collector.stat.softirq'] })
    expect(samplesOf(off, 'node_softirqs_total')).toHaveLength(0)
  })

  it('reports a missing /proc/stat as no data, and EACCES as a failure naming the file', async () => {
    await expect(collectFrom(statCollector, { procfs: '/nonexistent' })).rejects.toBeInstanceOf(NoDataError)
    const fs = overlayFS({ 'proc/stat': fsError('EACCES', 'proc/stat') })
    const err = await collectFrom(statCollector, { ...hostA, fs }).catch((e: unknown) => e)
    expect(err).not.toBeInstanceOf(NoDataError)
    expect(String(err)).toMatch(/couldn't read .*proc\/stat: EACCES/)
  })
})
