import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B } from '../../test/helpers/host-b.ts'
import { netclassCollector } from './netclass.ts'
import { NoDataError } from './types.ts'

describe('netclass collector', () => {
  it('follows class links (real and kept as files), skips plain files and dangling links', async () => {
    const families = await collectFrom(netclassCollector, HOST_B)
    expect(samplesOf(families, 'node_network_up').map((s) => [s.labels.device, s.value])).toEqual([
      ['eth0', 1],
      ['lo', 0],
      ['wlan0', 0],
    ])
  })

  it('exports info labels and numeric attributes with node_exporter names and types', async () => {
    const families = await collectFrom(netclassCollector, HOST_B)
    expect(sampleValue(families, 'node_network_info', { device: 'eth0' })).toBe(1)
    expect(samplesOf(families, 'node_network_info').find((s) => s.labels.device === 'eth0')?.labels).toEqual({
      device: 'eth0',
      address: '3c:7c:3f:aa:bb:cc',
      broadcast: 'ff:ff:ff:ff:ff:ff',
      duplex: 'full',
      operstate: 'up',
      adminstate: 'up',
      ifalias: 'uplink "A"',
    })
    expect(samplesOf(families, 'node_network_info').find((s) => s.labels.device === 'wlan0')?.labels.adminstate).toBe('down')
    expect(sampleValue(families, 'node_network_flags', { device: 'eth0' })).toBe(0x1003)
    expect(sampleValue(families, 'node_network_mtu_bytes', { device: 'eth0' })).toBe(9000)
    expect(sampleValue(families, 'node_network_speed_bytes', { device: 'eth0' })).toBe(312500000)
    expect(sampleValue(families, 'node_network_protocol_type', { device: 'lo' })).toBe(772)
    expect(family(families, 'node_network_carrier_changes_total')?.type).toBe('counter')
    expect(family(families, 'node_network_carrier_changes_total')?.help).toBe('Network device property: carrier_changes_total')
    // Unparsable (dev_id "garbage") and absent attributes are left out.
    expect(sampleValue(families, 'node_network_device_id', { device: 'wlan0' })).toBeUndefined()
    expect(sampleValue(families, 'node_network_dormant', { device: 'lo' })).toBeUndefined()
  })

  it('exports speed -1 as node_exporter does unless --collector.netclass.ignore-invalid-speed', async () => {
    expect(sampleValue(await collectFrom(netclassCollector, HOST_B), 'node_network_speed_bytes', { device: 'wlan0' })).toBe(-125000)
    const families = await collectFrom(netclassCollector, { ...HOST_B, args: ['--collector.netclass.ignore-invalid-speed'] })
    expect(sampleValue(families, 'node_network_speed_bytes', { device: 'wlan0' })).toBeUndefined()
    expect(sampleValue(families, 'node_network_speed_bytes', { device: 'eth0' })).toBe(312500000)
  })

  it('drops devices matching --collector.netclass.ignored-devices', async () => {
    const families = await collectFrom(netclassCollector, { ...HOST_B, args: ['--collector.netclass.ignored-devices=^(lo|wlan.*)$'] })
    expect(samplesOf(families, 'node_network_up').map((s) => s.labels.device)).toEqual(['eth0'])
  })

  it('reports no data without /sys/class/net', async () => {
    await expect(collectFrom(netclassCollector)).rejects.toBeInstanceOf(NoDataError)
  })
})
