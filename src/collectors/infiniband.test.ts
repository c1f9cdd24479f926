import { mkdirSync, rmSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectFrom, family, runIsolated, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { withSys, writeTree } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { infinibandCollector } from './infiniband.ts'
import { NoDataError } from './types.ts'

const IB = 'class/infiniband'

/** A device with the attributes every driver has and one active 4X EDR port. */
function device(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    [`${IB}/${name}/fw_ver`]: '16.35.2000\n',
    [`${IB}/${name}/ports/1/state`]: '4: ACTIVE\n',
    [`${IB}/${name}/ports/1/phys_state`]: '5: LinkUp\n',
    [`${IB}/${name}/ports/1/rate`]: '100 Gb/sec (4X EDR)\n',
    ...Object.fromEntries(Object.entries(extra).map(([path, content]) => [`${IB}/${name}/${path}`, content])),
  }
}

const MLX5 = device('mlx5_0', {
  board_id: 'MT_0000000010\n',
  hca_type: 'MT4119\n',
  'ports/1/counters/port_rcv_data': '1000\n',
  'ports/1/counters/port_xmit_data': '4611686018427387905\n', // times 4 wraps in uint64
  'ports/1/counters/port_rcv_packets': '18446744073709551615\n',
  'ports/1/counters/port_xmit_wait': '9007199254740993\r\n',
  'ports/1/counters/link_downed': '  3 \t\n',
  'ports/1/counters/symbol_error': 'N/A (no PMA)\n',
  'ports/1/counters/VL15_dropped': '7\n',
  'ports/1/counters/unknown_counter': 'not a number\n',
  'ports/1/counters_ext/port_rcv_data_64': '250\n',
  'ports/1/counters_ext/port_xmit_packets_64': '12\n',
  'ports/1/hw_counters/out_of_buffer': '99\n',
  'ports/1/hw_counters/rx_write_requests': 'garbage\n',
})

describe('infiniband collector', () => {
  it('exports port state, rate and counters with node_exporter names and units', async () => {
    const families = await withSys(MLX5, (o) => collectFrom(infinibandCollector, o))
    const port = { device: 'mlx5_0', port: '1' }
    expect(sampleValue(families, 'node_infiniband_state_id', port)).toBe(4)
    expect(sampleValue(families, 'node_infiniband_physical_state_id', port)).toBe(5)
    expect(sampleValue(families, 'node_infiniband_rate_bytes_per_second', port)).toBe(12_500_000_000)
    // port_*_data count 4-octet words
    expect(sampleValue(families, 'node_infiniband_port_data_received_bytes_total', port)).toBe(4000)
    expect(sampleValue(families, 'node_infiniband_port_data_transmitted_bytes_total', port)).toBe(4)
    expect(sampleValue(families, 'node_infiniband_port_packets_received_total', port)).toBe(2 ** 64)
    expect(sampleValue(families, 'node_infiniband_port_transmit_wait_total', port)).toBe(9007199254740992)
    expect(sampleValue(families, 'node_infiniband_link_downed_total', port)).toBe(3)
    expect(sampleValue(families, 'node_infiniband_vl15_dropped_total', port)).toBe(7)
    expect(sampleValue(families, 'node_infiniband_legacy_data_received_bytes_total', port)).toBe(1000)
    expect(sampleValue(families, 'node_infiniband_legacy_packets_transmitted_total', port)).toBe(12)
    expect(family(families, 'node_infiniband_port_data_received_bytes_total')).toMatchObject({ type: 'counter', help: 'Number of data octets received on all links' })
    expect(family(families, 'node_infiniband_state_id')?.type).toBe('gauge')
  })

  it('leaves out N/A (no PMA) and absent counters, and ignores unknown files and hw_counters', async () => {
    const families = await withSys(MLX5, (o) => collectFrom(infinibandCollector, o))
    expect(family(families, 'node_infiniband_symbol_error_total')).toBeUndefined()
    expect(family(families, 'node_infiniband_port_discards_received_total')).toBeUndefined()
    expect(family(families, 'node_infiniband_legacy_unicast_packets_received_total')).toBeUndefined()
    expect(families.map((f) => f.name).sort()).toEqual([
      'node_infiniband_info',
      'node_infiniband_legacy_data_received_bytes_total',
      'node_infiniband_legacy_packets_transmitted_total',
      'node_infiniband_link_downed_total',
      'node_infiniband_physical_state_id',
      'node_infiniband_port_data_received_bytes_total',
      'node_infiniband_port_data_transmitted_bytes_total',
      'node_infiniband_port_packets_received_total',
      'node_infiniband_port_transmit_wait_total',
      'node_infiniband_rate_bytes_per_second',
      'node_infiniband_state_id',
      'node_infiniband_vl15_dropped_total',
    ])
  })

  it('exports one info sample per device, empty labels for missing board_id and hca_type', async () => {
    const tree = { ...MLX5, ...device('hfi1_0') }
    const families = await withSys(tree, (o) => collectFrom(infinibandCollector, o))
    expect(samplesOf(families, 'node_infiniband_info')).toEqual([
      { labels: { device: 'hfi1_0', board_id: '', firmware_version: '16.35.2000', hca_type: '' }, value: 1 },
      { labels: { device: 'mlx5_0', board_id: 'MT_0000000010', firmware_version: '16.35.2000', hca_type: 'MT4119' }, value: 1 },
    ])
    expect(family(families, 'node_infiniband_info')?.help).toBe('Non-numeric data from /sys/class/infiniband/<device>, value is always 1.')
  })

  it('exports state and rate of a port without counters (irdma, renamed HCAs); counters_ext alone is not read', async () => {
    const tree = device('irdma0', {
      'ports/1/counters_ext/port_rcv_data_64': '5\n',
      'ports/2/state': '1: DOWN\n',
      'ports/2/phys_state': '3: Disabled\n',
      'ports/2/rate': '10 Gb/sec (4X)\n',
    })
    const families = await withSys(tree, (o) => collectFrom(infinibandCollector, o))
    expect(families.map((f) => f.name).sort()).toEqual([
      'node_infiniband_info',
      'node_infiniband_physical_state_id',
      'node_infiniband_rate_bytes_per_second',
      'node_infiniband_state_id',
    ])
    expect(samplesOf(families, 'node_infiniband_state_id').map((s) => [s.labels.port, s.value])).toEqual([
      ['1', 4],
      ['2', 1],
    ])
  })

  it('exports a device without ports as info only', async () => {
    const root = writeTree({ [`${IB}/qib0/fw_ver`]: '0.0\n' })
    try {
      mkdirSync(join(root, IB, 'qib0/ports'))
      const families = await collectFrom(infinibandCollector, { sysfs: root })
      expect(families.map((f) => f.name)).toEqual(['node_infiniband_info'])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('follows class links into /sys/devices and skips a directory among the counters', async () => {
    const root = writeTree(device('../../devices/pci0000:00/0000:00:01.0/infiniband/mlx5_1', { 'ports/1/counters/link_downed': '2\n' }))
    try {
      mkdirSync(join(root, IB), { recursive: true })
      mkdirSync(join(root, 'devices/pci0000:00/0000:00:01.0/infiniband/mlx5_1/ports/1/counters/port_rcv_errors'))
      symlinkSync('../../devices/pci0000:00/0000:00:01.0/infiniband/mlx5_1', join(root, IB, 'mlx5_1'))
      const families = await collectFrom(infinibandCollector, { sysfs: root })
      expect(sampleValue(families, 'node_infiniband_link_downed_total', { device: 'mlx5_1', port: '1' })).toBe(2)
      expect(family(families, 'node_infiniband_port_errors_received_total')).toBeUndefined()
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it.each([
    ['a non-numeric counter', { 'ports/1/counters/link_downed': 'bogus\n' }, ParseError],
    ['an empty counter file', { 'ports/1/counters/port_rcv_errors': '' }, ParseError],
    ['a counter above 2^64-1', { 'ports/1/counters_ext/port_rcv_packets_64': '18446744073709551616\n', 'ports/1/counters/link_downed': '0\n' }, ParseError],
    ['a malformed state', { 'ports/1/state': 'ACTIVE\n' }, ParseError],
    ['a malformed rate', { 'ports/1/rate': '100\n' }, ParseError],
    ['a port directory that is no number', { 'ports/p1/state': '4: ACTIVE\n' }, ParseError],
  ] as const)('fails the run on %s, as node_exporter does', async (_, extra, errorClass) => {
    const tree = device('mlx5_0', extra)
    await withSys(tree, async (o) => {
      await expect(collectFrom(infinibandCollector, o)).rejects.toBeInstanceOf(errorClass)
      const outcome = await runIsolated(infinibandCollector, o)
      expect(outcome.success).toBe(false)
      expect(outcome.noData).toBe(false)
    })
  })

  it('fails the run on a device without fw_ver or ports, or a port without state', async () => {
    await withSys({ [`${IB}/mlx5_0/ports/1/state`]: '4: ACTIVE\n' }, async (o) => {
      await expect(collectFrom(infinibandCollector, o)).rejects.toThrow(/fw_ver/)
    })
    await withSys({ [`${IB}/mlx5_0/fw_ver`]: '1.0\n' }, async (o) => {
      await expect(collectFrom(infinibandCollector, o)).rejects.toThrow(/ports/)
    })
    const noState = device('mlx5_0')
    delete noState[`${IB}/mlx5_0/ports/1/state`]
    await withSys(noState, async (o) => {
      await expect(collectFrom(infinibandCollector, o)).rejects.toThrow(/ports\/1\/state/)
    })
  })

  it('returns nothing for an empty class directory', async () => {
    const root = writeTree({})
    try {
      mkdirSync(join(root, IB), { recursive: true })
      expect(await collectFrom(infinibandCollector, { sysfs: root })).toEqual([])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it('reports no data without /sys/class/infiniband', async () => {
    await expect(collectFrom(infinibandCollector)).rejects.toBeInstanceOf(NoDataError)
    expect((await runIsolated(infinibandCollector)).noData).toBe(true)
  })
})
