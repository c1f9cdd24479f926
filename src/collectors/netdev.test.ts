import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { fsError, hostA, overlayFS } from '../../test/fixtures/host-a/host.ts'
import { createNetdevCollector } from './netdev.ts'
import { NoDataError } from './types.ts'

const own = { proc: hostA.procfs, sys: hostA.sysfs }

describe('netdev collector on host-a', () => {
  it('reads the agent namespace (netlink mode) with rx_nohandler, every device by default', async () => {
    const fams = await collectFrom(createNetdevCollector(own), { procfs: '/nonexistent' })
    expect(samplesOf(fams, 'node_network_receive_bytes_total').map((s) => s.labels.device)).toEqual(['lo', 'eth0', 'docker0'])
    expect(sampleValue(fams, 'node_network_receive_bytes_total', { device: 'eth0' })).toBe(98766543210)
    expect(sampleValue(fams, 'node_network_receive_drop_total', { device: 'eth0' })).toBe(120)
    expect(sampleValue(fams, 'node_network_receive_multicast_total', { device: 'eth0' })).toBe(402211)
    expect(sampleValue(fams, 'node_network_transmit_carrier_total', { device: 'eth0' })).toBe(1)
    expect(sampleValue(fams, 'node_network_receive_nohandler_total', { device: 'eth0' })).toBe(17)
    expect(family(fams, 'node_network_transmit_colls_total')).toMatchObject({ type: 'counter', help: 'Network device statistic transmit_colls.' })
    expect(fams).toHaveLength(17)
  })

  it('reads <procfs>/net/dev without nohandler when netlink is off, as node_exporter', async () => {
    const fams = await collectFrom(createNetdevCollector({ proc: '/nonexistent', sys: '/nonexistent' }), { ...hostA, args: ['--no-collector.netdev.netlink'] })
    expect(samplesOf(fams, 'node_network_transmit_bytes_total')).toHaveLength(3)
    expect(family(fams, 'node_network_receive_nohandler_total')).toBeUndefined()
  })

  it.each([
    [['--collector.netdev.device-include=^lo$'], ['lo']],
    [['--collector.netdev.device-exclude=^(lo|docker\\d+)$'], ['eth0']],
  ])('filters devices with %j', async (args, devices) => {
    const fams = await collectFrom(createNetdevCollector(own), { args })
    expect(samplesOf(fams, 'node_network_receive_packets_total').map((s) => s.labels.device)).toEqual(devices)
  })

  it('is no data without net/dev, fails on EACCES', async () => {
    await expect(collectFrom(createNetdevCollector({ proc: '/nonexistent', sys: '/nonexistent' }))).rejects.toBeInstanceOf(NoDataError)
    const fs = overlayFS({ [`${hostA.procfs}/self/net/dev`]: fsError('EACCES', 'net/dev') })
    const err = await collectFrom(createNetdevCollector(own), { fs }).catch((e: unknown) => e)
    expect(err).not.toBeInstanceOf(NoDataError)
    expect(String(err)).toMatch(/net\/dev/)
  })
})
