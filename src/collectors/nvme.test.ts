import { describe, expect, it } from 'vitest'
import { collectFrom, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B } from '../../test/helpers/host-b.ts'
import { nvmeCollector } from './nvme.ts'
import { NoDataError } from './types.ts'

describe('nvme collector', () => {
  it('exports controller info with trimmed attributes, empty when absent', async () => {
    const families = await collectFrom(nvmeCollector, HOST_B)
    expect(samplesOf(families, 'node_nvme_info').map((s) => s.labels)).toEqual([
      { device: 'nvme0', firmware_revision: '5B2QGXA7', model: 'Samsung SSD 980 PRO 1TB', serial: 'S5GXNX0T123456', state: 'live', cntlid: '6' },
      { device: 'nvme1', firmware_revision: '', model: 'QEMU NVMe Ctrl', serial: '', state: 'connecting', cntlid: '' },
    ])
  })

  it('exports namespaces of both naming schemes, sizes in bytes', async () => {
    const families = await collectFrom(nvmeCollector, HOST_B)
    const ns1 = { device: 'nvme0', nsid: '1' }
    expect(sampleValue(families, 'node_nvme_namespace_info', { ...ns1, ana_state: 'unknown' })).toBe(1)
    expect(sampleValue(families, 'node_nvme_namespace_info', { device: 'nvme0', nsid: '2', ana_state: 'optimized' })).toBe(1)
    expect(sampleValue(families, 'node_nvme_namespace_size_bytes', ns1)).toBe(1953525168 * 512)
    expect(sampleValue(families, 'node_nvme_namespace_capacity_bytes', ns1)).toBe(1953525168 * 512)
    expect(sampleValue(families, 'node_nvme_namespace_used_bytes', ns1)).toBe(250000000 * 512)
    expect(sampleValue(families, 'node_nvme_namespace_logical_block_size_bytes', { device: 'nvme0', nsid: '2' })).toBe(4096)
  })

  it('reports no data without /sys/class/nvme', async () => {
    await expect(collectFrom(nvmeCollector)).rejects.toBeInstanceOf(NoDataError)
  })
})
