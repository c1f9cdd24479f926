import { describe, expect, it } from 'vitest'
import { collectFrom, family, runIsolated, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import type { CollectOptions } from '../../test/helpers/collect.ts'
import { withProc, withSys } from '../../test/helpers/host-b.ts'
import type { MetricFamily } from '../metrics/types.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { mdadmCollector } from './mdadm.ts'
import { NoDataError } from './types.ts'

const MDSTAT = [
  'Personalities : [raid1] [raid0] [raid6] [raid5] [raid4]',
  'md0 : active raid1 sdb1[1] sda1[0]',
  '      524224 blocks super 1.2 [2/2] [UU]',
  '      ',
  'md1 : active raid5 sde[3] sdd[1](F) sdc[0] sdf[4](S)',
  '      7813772288 blocks super 1.2 level 5, 512k chunk, algorithm 2 [3/2] [U_U]',
  '      [==>..................]  recovery = 12.5% (488360768/3906886144) finish=300.0min speed=190000K/sec',
  '      bitmap: 3/30 pages [12KB], 65536KB chunk',
  '',
  'md2 : active raid0 sdg[0] sdh[1]',
  '      1000 blocks super 1.2 512k chunks',
  '      ',
  'md3 : inactive sdi[0](S)',
  '       2000 blocks super 1.2',
  '       ',
  'md4 : active raid1 sdj[0] sdk[1]',
  '      3000 blocks super 1.2 [2/2] [UU]',
  '      [>....................]  reshape =  1.0% (30/3000) finish=1.0min speed=1K/sec',
  '      ',
  'unused devices: <none>',
  '',
].join('\n')

function md(device: string, files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).map(([name, text]) => [`block/${device}/md/${name}`, `${text}\n`]))
}

const SYS: Record<string, string> = {
  ...md('md0', { level: 'raid1', raid_disks: '2', degraded: '0', array_state: 'clean', sync_action: 'idle', sync_completed: 'none' }),
  ...md('md1', { level: 'raid5', raid_disks: '3', degraded: '1', array_state: 'active', sync_action: 'recover', sync_completed: '976721536 / 7813772288' }),
  ...md('md2', { level: 'raid0', raid_disks: '2', chunk_size: '524288' }),
  'block/sda/size': '100\n',
}

function collect(mdstat: string | undefined, sys: Record<string, string> = SYS): Promise<MetricFamily[]> {
  const proc: Record<string, string> = mdstat === undefined ? {} : { mdstat }
  return withSys(sys, (s) => withProc(proc, (o: CollectOptions) => collectFrom(mdadmCollector, o), s))
}

describe('mdadm collector', () => {
  it('exports node_exporter families with their help and type', async () => {
    const families = await collect(MDSTAT)
    expect(families.map((f) => [f.name, f.type, f.help]).sort()).toEqual([
      ['node_md_blocks', 'gauge', 'Total number of blocks on device.'],
      ['node_md_blocks_synced', 'gauge', 'Number of blocks synced on device.'],
      ['node_md_degraded', 'gauge', 'Number of degraded disks on device.'],
      ['node_md_disks', 'gauge', 'Number of active/failed/spare disks of device.'],
      ['node_md_disks_required', 'gauge', 'Total number of disks of device.'],
      ['node_md_raid_disks', 'gauge', 'Number of raid disks on device.'],
      ['node_md_state', 'gauge', 'Indicates the state of md-device.'],
    ])
  })

  it('counts required, active, failed and spare disks from /proc/mdstat', async () => {
    const families = await collect(MDSTAT)
    const disks = (device: string) => ['active', 'failed', 'spare'].map((state) => sampleValue(families, 'node_md_disks', { device, state }))
    expect(disks('md0')).toEqual([2, 0, 0])
    expect(disks('md1')).toEqual([2, 1, 1])
    expect(disks('md2')).toEqual([2, 0, 0])
    expect(disks('md3')).toEqual([0, 0, 1])
    expect(['md0', 'md1', 'md2', 'md3', 'md4'].map((device) => sampleValue(families, 'node_md_disks_required', { device }))).toEqual([2, 3, 2, 0, 2])
  })

  it('sets one node_md_state label per device, none while reshaping', async () => {
    const families = await collect(MDSTAT)
    const states = (device: string) =>
      Object.fromEntries(
        samplesOf(families, 'node_md_state')
          .filter((s) => s.labels.device === device)
          .map((s) => [s.labels.state, s.value]),
      )
    expect(states('md0')).toEqual({ active: 1, inactive: 0, recovering: 0, resync: 0, check: 0 })
    expect(states('md1')).toEqual({ active: 0, inactive: 0, recovering: 1, resync: 0, check: 0 })
    expect(states('md3')).toEqual({ active: 0, inactive: 1, recovering: 0, resync: 0, check: 0 })
    expect(states('md4')).toEqual({ active: 0, inactive: 0, recovering: 0, resync: 0, check: 0 })
  })

  it('reports synced blocks: progress while syncing, the size otherwise', async () => {
    const families = await collect(MDSTAT)
    expect(sampleValue(families, 'node_md_blocks', { device: 'md1' })).toBe(7813772288)
    expect(sampleValue(families, 'node_md_blocks_synced', { device: 'md1' })).toBe(488360768)
    expect(sampleValue(families, 'node_md_blocks_synced', { device: 'md4' })).toBe(30)
    expect(sampleValue(families, 'node_md_blocks_synced', { device: 'md0' })).toBe(524224)
    expect(sampleValue(families, 'node_md_blocks_synced', { device: 'md3' })).toBe(2000)
  })

  it('reads raid_disks and degraded from /sys/block/md*/md, degraded 0 for raid0', async () => {
    const families = await collect(MDSTAT)
    expect(samplesOf(families, 'node_md_raid_disks')).toEqual([
      { labels: { device: 'md0' }, value: 2 },
      { labels: { device: 'md1' }, value: 3 },
      { labels: { device: 'md2' }, value: 2 },
    ])
    expect(samplesOf(families, 'node_md_degraded').map((s) => [s.labels.device, s.value])).toEqual([
      ['md0', 0],
      ['md1', 1],
      ['md2', 0],
    ])
  })

  it('gives node-mixin NodeRAIDDegraded and NodeRAIDDiskFailure something to fire on', async () => {
    const families = await collect(MDSTAT)
    // node_md_disks_required - ignoring (state) (node_md_disks{state="active"}) > 0
    const missing = samplesOf(families, 'node_md_disks_required')
      .filter((s) => s.value - (sampleValue(families, 'node_md_disks', { device: s.labels.device as string, state: 'active' }) ?? 0) > 0)
      .map((s) => s.labels.device)
    expect(missing).toEqual(['md1'])
    // node_md_disks{state="failed"} > 0
    expect(
      samplesOf(families, 'node_md_disks')
        .filter((s) => s.labels.state === 'failed' && s.value > 0)
        .map((s) => s.labels.device),
    ).toEqual(['md1'])
  })

  it('leaves out only the md arrays whose sysfs attributes are missing or malformed', async () => {
    const sys = {
      ...md('md0', { level: 'raid1', raid_disks: '2' }), // no degraded
      ...md('md1', { level: 'raid5', raid_disks: 'three', degraded: '0' }),
      ...md('md2', { level: 'raid6', raid_disks: '4', degraded: '-1' }),
      ...md('md3', { raid_disks: '2' }), // no level
      ...md('md4', { level: '', raid_disks: '0' }), // an inactive array
      ...md('md5', { level: 'linear', raid_disks: '3' }),
      'block/md9/size': '0\n', // no md directory
    }
    const families = await collect(MDSTAT, sys)
    expect(samplesOf(families, 'node_md_raid_disks').map((s) => [s.labels.device, s.value])).toEqual([
      ['md4', 0],
      ['md5', 3],
    ])
    expect(samplesOf(families, 'node_md_degraded').map((s) => [s.labels.device, s.value])).toEqual([
      ['md4', 0],
      ['md5', 0],
    ])
    expect(samplesOf(families, 'node_md_blocks')).toHaveLength(5)
  })

  it('exports /proc/mdstat alone when /sys/block is absent', async () => {
    const families = await collect(MDSTAT, {})
    expect(family(families, 'node_md_raid_disks')).toBeUndefined()
    expect(samplesOf(families, 'node_md_state')).toHaveLength(25)
  })

  it('exports nothing for an mdstat without arrays', async () => {
    expect(await collect('Personalities : \nunused devices: <none>\n', {})).toEqual([])
  })

  it('is no data without /proc/mdstat, even with md arrays in sysfs', async () => {
    await expect(collect(undefined)).rejects.toBeInstanceOf(NoDataError)
    const outcome = await runIsolated(mdadmCollector)
    expect(outcome).toMatchObject({ success: false, noData: true })
  })

  it('fails on a malformed /proc/mdstat, naming the file and line', async () => {
    const bad = 'md0 : active raid1 sda[0] sdb[1]\n      100 blocks [2/2\n'
    const err = await collect(bad).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ParseError)
    expect((err as Error).message).toMatch(/mdstat line 2/)
  })

  it('emits one series set for a repeated array name', async () => {
    const twice = 'md0 : active raid1 sda[0] sdb[1]\n      1 blocks [2/2] [UU]\n\nmd0 : active raid1 sdc[0] sdd[1]\n      2 blocks [2/2] [UU]\n\n'
    const families = await collect(twice, {})
    expect(samplesOf(families, 'node_md_blocks')).toEqual([{ labels: { device: 'md0' }, value: 1 }])
  })
})
