import { describe, expect, it } from 'vitest'
import { collectFrom, family, runIsolated, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { withSys } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { btrfsCollector } from './btrfs.ts'
import { NoDataError } from './types.ts'

const A = 'aaaa-1111'
const B = 'bbbb-2222'

/** One block group type directory: its own attributes plus a profile subdirectory. */
function allocation(fs: string, type: string, mode: string, reserved: string, total: string, used: string): Record<string, string> {
  const dir = `fs/btrfs/${fs}/allocation/${type}`
  return {
    [`${dir}/bytes_reserved`]: reserved,
    [`${dir}/bytes_used`]: used,
    [`${dir}/total_bytes`]: total,
    [`${dir}/flags`]: '1\n',
    [`${dir}/${mode}/total_bytes`]: total,
    [`${dir}/${mode}/used_bytes`]: used,
  }
}

const TREE: Record<string, string> = {
  // Not a filesystem: procfs globs *-*.
  'fs/btrfs/features/raid56': '0\n',
  [`fs/btrfs/${A}/label`]: 'backup\n',
  [`fs/btrfs/${A}/metadata_uuid`]: `${A}\n`,
  [`fs/btrfs/${A}/allocation/global_rsv_size`]: '16777216\n',
  [`fs/btrfs/${A}/commit_stats`]: 'commits 258051\nlast_commit_ms 1000\nmax_commit_ms 51462\ntotal_commit_ms 47836090\n',
  [`fs/btrfs/${A}/devices/sda/size`]: '20971520\n',
  [`fs/btrfs/${A}/devices/sdb/size`]: '20971520\n',
  ...allocation(A, 'data', 'raid0', '4096\n', '2147483648\n', '808189952\n'),
  ...allocation(A, 'metadata', 'raid1', '0\n', '1073741824\n', '933888\n'),
  ...allocation(A, 'system', 'raid1', '0\n', '8388608\n', '16384\n'),
  // B: no commit_stats (kernel < 6.0), empty label, no metadata_uuid, a device kept as a
  // link file (a sysfs copy without symlinks), raid5 over three devices.
  [`fs/btrfs/${B}/label`]: '\n',
  [`fs/btrfs/${B}/allocation/global_rsv_size`]: 'garbage\n',
  [`fs/btrfs/${B}/devices/loop1/size`]: '2048\n',
  [`fs/btrfs/${B}/devices/loop2/size`]: '2048\n',
  [`fs/btrfs/${B}/devices/loop3`]: '../../../../devices/virtual/block/loop3\n',
  'devices/virtual/block/loop3/size': '4096\n',
  ...allocation(B, 'data', 'raid5', '0\n', '644087808\n', '0\n'),
  ...allocation(B, 'metadata', 'raid6', '0\n', '429391872\n', '114688\n'),
  ...allocation(B, 'system', 'raid1c3', '0\n', '16777216\n', '16384\n'),
}

describe('btrfs collector', () => {
  it('exports info, reserve, commit stats and allocation per filesystem', async () => {
    const fams = await withSys(TREE, (o) => collectFrom(btrfsCollector, o))
    expect(samplesOf(fams, 'node_btrfs_info').map((s) => s.labels)).toEqual([
      { uuid: A, label: 'backup' },
      { uuid: B, label: '' },
    ])
    expect(sampleValue(fams, 'node_btrfs_global_rsv_size_bytes', { uuid: A })).toBe(16777216)
    // An unparsable value is 0, as procfs reads it.
    expect(sampleValue(fams, 'node_btrfs_global_rsv_size_bytes', { uuid: B })).toBe(0)
    expect(sampleValue(fams, 'node_btrfs_commits_total', { uuid: A })).toBe(258051)
    expect(sampleValue(fams, 'node_btrfs_last_commit_seconds', { uuid: A })).toBe(1)
    expect(sampleValue(fams, 'node_btrfs_max_commit_seconds', { uuid: A })).toBe(51.462)
    expect(sampleValue(fams, 'node_btrfs_commit_seconds_total', { uuid: A })).toBe(47836.09)
    expect(sampleValue(fams, 'node_btrfs_commits_total', { uuid: B })).toBe(0)
    expect(sampleValue(fams, 'node_btrfs_commit_seconds_total', { uuid: B })).toBe(0)

    expect(sampleValue(fams, 'node_btrfs_reserved_bytes', { uuid: A, block_group_type: 'data' })).toBe(4096)
    expect(samplesOf(fams, 'node_btrfs_reserved_bytes')).toHaveLength(6)
    const data = { uuid: A, block_group_type: 'data', mode: 'raid0' }
    expect(sampleValue(fams, 'node_btrfs_size_bytes', data)).toBe(2147483648)
    expect(sampleValue(fams, 'node_btrfs_used_bytes', data)).toBe(808189952)
    expect(sampleValue(fams, 'node_btrfs_allocation_ratio', data)).toBe(1)
    expect(sampleValue(fams, 'node_btrfs_allocation_ratio', { uuid: A, block_group_type: 'metadata', mode: 'raid1' })).toBe(2)
    expect(sampleValue(fams, 'node_btrfs_allocation_ratio', { uuid: B, block_group_type: 'data', mode: 'raid5' })).toBe(1.5)
    expect(sampleValue(fams, 'node_btrfs_allocation_ratio', { uuid: B, block_group_type: 'metadata', mode: 'raid6' })).toBe(3)
    expect(sampleValue(fams, 'node_btrfs_allocation_ratio', { uuid: B, block_group_type: 'system', mode: 'raid1c3' })).toBe(0)
    // Only profile directories are layouts, not the type's own attribute files.
    expect(samplesOf(fams, 'node_btrfs_size_bytes')).toHaveLength(6)
  })

  it('exports device sizes in bytes from 512-byte sectors', async () => {
    const fams = await withSys(TREE, (o) => collectFrom(btrfsCollector, o))
    expect(samplesOf(fams, 'node_btrfs_device_size_bytes')).toEqual([
      { labels: { uuid: A, device: 'sda' }, value: 10737418240 },
      { labels: { uuid: A, device: 'sdb' }, value: 10737418240 },
      { labels: { uuid: B, device: 'loop1' }, value: 1048576 },
      { labels: { uuid: B, device: 'loop2' }, value: 1048576 },
      { labels: { uuid: B, device: 'loop3' }, value: 2097152 },
    ])
  })

  it('uses node_exporter help texts and types', async () => {
    const fams = await withSys(TREE, (o) => collectFrom(btrfsCollector, o))
    expect(family(fams, 'node_btrfs_info')).toMatchObject({ type: 'gauge', help: 'Filesystem information' })
    expect(family(fams, 'node_btrfs_commits_total')).toMatchObject({ type: 'counter', help: 'The total number of commits that have occurred.' })
    expect(family(fams, 'node_btrfs_commit_seconds_total')?.type).toBe('counter')
    expect(family(fams, 'node_btrfs_device_size_bytes')).toMatchObject({ type: 'gauge', help: 'Size of a device that is part of the filesystem.' })
    // Device error counters need ioctls on the mounted filesystem: not exported.
    expect(family(fams, 'node_btrfs_device_errors_total')).toBeUndefined()
  })

  it('reads a bare filesystem directory as zeros', async () => {
    const fams = await withSys({ [`fs/btrfs/${B}/label`]: 'x\n' }, (o) => collectFrom(btrfsCollector, o))
    expect(sampleValue(fams, 'node_btrfs_info', { uuid: B, label: 'x' })).toBe(1)
    expect(samplesOf(fams, 'node_btrfs_reserved_bytes').map((s) => s.value)).toEqual([0, 0, 0])
    expect(samplesOf(fams, 'node_btrfs_size_bytes')).toEqual([])
    expect(samplesOf(fams, 'node_btrfs_device_size_bytes')).toEqual([])
  })

  it('exports nothing when no filesystem is mounted', async () => {
    const fams = await withSys({ 'fs/btrfs/features/raid56': '0\n' }, (o) => collectFrom(btrfsCollector, o))
    expect(fams).toEqual([])
  })

  it('fails the run on malformed commit_stats, naming the file', async () => {
    await withSys({ [`fs/btrfs/${A}/commit_stats`]: 'commits 1\nlast_commit_ms\n' }, async (o) => {
      await expect(collectFrom(btrfsCollector, o)).rejects.toThrowError(ParseError)
      await expect(collectFrom(btrfsCollector, o)).rejects.toThrowError(/aaaa-1111\/commit_stats line 2/)
      expect((await runIsolated(btrfsCollector, o)).success).toBe(false)
    })
  })

  it('reports no data without /sys/fs/btrfs', async () => {
    await expect(collectFrom(btrfsCollector)).rejects.toBeInstanceOf(NoDataError)
  })
})
