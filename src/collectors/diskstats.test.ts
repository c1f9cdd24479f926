import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { fsError, hostA, overlayFS } from '../../test/fixtures/host-a/host.ts'
import { diskstatsCollector } from './diskstats.ts'
import { NoDataError } from './types.ts'

describe('diskstats collector on host-a', () => {
  it('skips partitions and loop devices by default and scales sectors and ticks', async () => {
    const fams = await collectFrom(diskstatsCollector, hostA)
    expect(samplesOf(fams, 'node_disk_reads_completed_total').map((s) => s.labels.device)).toEqual(['sda', 'nvme0n1', 'dm-0'])
    expect(sampleValue(fams, 'node_disk_read_bytes_total', { device: 'sda' })).toBe(98001322 * 512)
    expect(sampleValue(fams, 'node_disk_read_time_seconds_total', { device: 'sda' })).toBe(802.211)
    expect(sampleValue(fams, 'node_disk_io_now', { device: 'nvme0n1' })).toBe(2)
    expect(sampleValue(fams, 'node_disk_discarded_sectors_total', { device: 'nvme0n1' })).toBe(880012344)
    expect(sampleValue(fams, 'node_disk_flush_requests_time_seconds_total', { device: 'sda' })).toBe(22.013)
    expect(family(fams, 'node_disk_io_now')?.type).toBe('gauge')
    expect(family(fams, 'node_disk_writes_merged_total')).toMatchObject({ type: 'counter', help: 'The number of writes merged.' })
  })

  it('labels node_disk_info from udev data and sysfs, and adds filesystem, device-mapper and ATA series', async () => {
    const fams = await collectFrom(diskstatsCollector, hostA)
    expect(samplesOf(fams, 'node_disk_info').map((s) => s.labels)).toEqual([
      {
        device: 'sda',
        major: '8',
        minor: '0',
        path: 'pci-0000:03:00.0-ata-1',
        wwn: '0x5000c500c0ffee01',
        model: 'ST2000DM008-2FR102',
        serial: 'ZFL0ABCD',
        revision: '0001',
        rotational: '1',
      },
      {
        device: 'nvme0n1',
        major: '259',
        minor: '0',
        path: 'pci-0000:01:00.0-nvme-1',
        wwn: 'eui.002538b111b2c3d4',
        model: 'Samsung SSD 980 PRO 1TB',
        serial: 'S5GXNX0T123456A',
        revision: '5B2QGXA7',
        rotational: '0',
      },
      { device: 'dm-0', major: '253', minor: '0', path: '', wwn: '', model: '', serial: '', revision: '', rotational: '0' },
    ])
    expect(samplesOf(fams, 'node_disk_filesystem_info')).toEqual([
      { labels: { device: 'dm-0', type: 'ext4', usage: 'filesystem', uuid: '0b7d1c2e-5a6f-4e3d-9c8b-7a6f5e4d3c2b', version: '1.0' }, value: 1 },
    ])
    expect(samplesOf(fams, 'node_disk_device_mapper_info')[0]?.labels).toMatchObject({ device: 'dm-0', name: 'vg0-archive', vg_name: 'vg0', lv_name: 'archive', lv_layer: '' })
    expect(sampleValue(fams, 'node_disk_ata_rotation_rate_rpm', { device: 'sda' })).toBe(7200)
    expect(sampleValue(fams, 'node_disk_ata_write_cache_enabled', { device: 'sda' })).toBe(1)
    expect(samplesOf(fams, 'node_disk_ata_write_cache')).toHaveLength(1)
  })

  it('honours --collector.diskstats.device-include and an explicit --path.udev.data', async () => {
    const fams = await collectFrom(diskstatsCollector, { ...hostA, args: ['--collector.diskstats.device-include=^(sda1|loop0)$', '--path.udev.data=/nonexistent'] })
    expect(samplesOf(fams, 'node_disk_info').map((s) => [s.labels.device, s.labels.model])).toEqual([
      ['loop0', ''],
      ['sda1', ''],
    ])
  })

  it('is no data without /proc/diskstats, fails on EACCES, and treats an unreadable udev entry as absent', async () => {
    await expect(collectFrom(diskstatsCollector, { procfs: '/nonexistent' })).rejects.toBeInstanceOf(NoDataError)
    const denied = await collectFrom(diskstatsCollector, { ...hostA, fs: overlayFS({ 'proc/diskstats': fsError('EACCES', 'diskstats') }) }).catch((e: unknown) => e)
    expect(denied).not.toBeInstanceOf(NoDataError)
    const fams = await collectFrom(diskstatsCollector, { ...hostA, fs: overlayFS({ 'root/run/udev/data/b8:0': fsError('EACCES', 'b8:0') }) })
    expect(sampleValue(fams, 'node_disk_info', { device: 'sda' })).toBe(1)
    expect(samplesOf(fams, 'node_disk_info')[0]?.labels.model).toBe('')
  })
})
