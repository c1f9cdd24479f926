import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B } from '../../test/helpers/host-b.ts'
import { createHostFS } from '../platform/host-fs.ts'
import type { HostFS } from '../platform/host-fs.ts'
import { raplCollector } from './rapl.ts'
import { NoDataError } from './types.ts'

describe('rapl collector', () => {
  it('exports one joules counter per zone name with index and sysfs path labels', async () => {
    const families = await collectFrom(raplCollector, HOST_B)
    const path = (zone: string) => join(HOST_B.sysfs as string, 'class/powercap', zone)
    expect(samplesOf(families, 'node_rapl_package_joules_total')).toEqual([{ labels: { index: '0', path: path('intel-rapl:0') }, value: 73592.5 }])
    expect(sampleValue(families, 'node_rapl_core_joules_total')).toBe(22)
    expect(sampleValue(families, 'node_rapl_uncore_joules_total')).toBe(0.0015)
    expect(sampleValue(families, 'node_rapl_psys_joules_total')).toBe(900.000001)
    expect(family(families, 'node_rapl_core_joules_total')).toMatchObject({ type: 'counter', help: 'Current RAPL core value in joules' })
  })

  it('puts the zone in a label with --collector.rapl.enable-zone-label', async () => {
    const families = await collectFrom(raplCollector, { ...HOST_B, args: ['--collector.rapl.enable-zone-label'] })
    expect(families.map((f) => f.name)).toEqual(['node_rapl_joules_total'])
    expect(samplesOf(families, 'node_rapl_joules_total').map((s) => s.labels.rapl_zone)).toEqual(['package', 'core', 'uncore', 'psys'])
  })

  it('reports no data without powercap or when energy_uj is root-only (EACCES)', async () => {
    await expect(collectFrom(raplCollector)).rejects.toBeInstanceOf(NoDataError)
    const real = createHostFS({ procfs: '/nonexistent', sysfs: HOST_B.sysfs as string, rootfs: '/nonexistent' })
    const fs: HostFS = {
      ...real,
      readFile: async (path) => {
        if (path.endsWith('energy_uj')) {
          throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' })
        }
        return real.readFile(path)
      },
    }
    await expect(collectFrom(raplCollector, { ...HOST_B, fs })).rejects.toBeInstanceOf(NoDataError)
  })
})
