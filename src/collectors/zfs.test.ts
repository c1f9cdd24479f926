import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { NoDataError } from './types.ts'
import { zfsCollector } from './zfs.ts'

const Z = 'spl/kstat/zfs'
const RAW = '6 1 0x01 91 4368 5266997922 97951858082072\n'
const HEADER = 'name                            type data\n'
const IO =
  '12 3 0x00 1 80 79205351707403 395818011156865\n' +
  'nread    nwritten reads    writes   wtime    wlentime wupdate  rtime    rlentime rupdate  wcnt     rcnt    \n' +
  '1884160  3206144  22       132      7155162  104112268 79210489694949 24168078 104112268 79210489849220 0        1       \n'

const objset = (dataset: string, writes: number) =>
  `23 1 0x01 7 2160 221578688875 6665999035587\n${HEADER}dataset_name                    7    ${dataset}\nwrites                          4    ${writes}\nnread                           4    28\nsigned                          3    -5\n`

const HOST: Record<string, string> = {
  [`${Z}/arcstats`]: `${RAW}${HEADER}hits                            4    8772612\narc_loaned_bytes                3    -40\narc_no_grow                     1    0\nl2_asize-x                      4    7\n`,
  [`${Z}/zil`]: `${RAW}${HEADER}zil_commit_count                4    10\n`,
  [`${Z}/dmu_tx`]: `${RAW}${HEADER}dmu_tx_assigned                 4    3\n`,
  [`${Z}/dbgmsg`]: 'timestamp    message\n1 spa_history.c:306\n',
  [`${Z}/tank/io`]: IO,
  [`${Z}/tank/objset-0x36`]: objset('tank', 0),
  [`${Z}/tank/objset-0x10`]: objset('tank/media files', 4),
  [`${Z}/tank/state`]: 'ONLINE\n',
  [`${Z}/tank/txgs`]: 'txg birth state\n',
  [`${Z}/backup/state`]: 'DEGRADED\n',
}

describe('zfs collector', () => {
  it('exports the subsystem files as untyped node_zfs_<subsystem>_* with kstat help', async () => {
    const families = await withProc(HOST, (o) => collectFrom(zfsCollector, o))
    expect(family(families, 'node_zfs_arc_hits')).toEqual({
      name: 'node_zfs_arc_hits',
      help: 'kstat.zfs.misc.arcstats.hits',
      type: 'untyped',
      samples: [{ labels: {}, value: 8772612 }],
    })
    expect(sampleValue(families, 'node_zfs_arc_arc_loaned_bytes')).toBe(-40)
    expect(family(families, 'node_zfs_arc_l2_asize_x')?.help).toBe('kstat.zfs.misc.arcstats.l2_asize-x')
    expect(family(families, 'node_zfs_arc_arc_no_grow')).toBeUndefined()
    expect(sampleValue(families, 'node_zfs_zil_zil_commit_count')).toBe(10)
    expect(family(families, 'node_zfs_dmu_tx_dmu_tx_assigned')?.help).toBe('kstat.zfs.misc.dmu_tx.dmu_tx_assigned')
    expect(families.filter((f) => f.name.startsWith('node_zfs_dbgmsg'))).toEqual([])
  })

  it('exports pool io, datasets and state', async () => {
    const families = await withProc(HOST, (o) => collectFrom(zfsCollector, o))
    expect(family(families, 'node_zfs_zpool_nread')).toMatchObject({ help: 'kstat.zfs.misc.io.nread', type: 'untyped' })
    expect(samplesOf(families, 'node_zfs_zpool_nread')).toEqual([{ labels: { zpool: 'tank' }, value: 1884160 }])
    expect(sampleValue(families, 'node_zfs_zpool_rcnt', { zpool: 'tank' })).toBe(1)

    expect(family(families, 'node_zfs_zpool_dataset_writes')).toMatchObject({ help: 'kstat.zfs.misc.objset.writes', type: 'untyped' })
    expect(samplesOf(families, 'node_zfs_zpool_dataset_writes')).toEqual([
      { labels: { zpool: 'tank', dataset: 'tank/media files' }, value: 4 },
      { labels: { zpool: 'tank', dataset: 'tank' }, value: 0 },
    ])
    expect(family(families, 'node_zfs_zpool_dataset_signed')).toBeUndefined()

    expect(family(families, 'node_zfs_zpool_state')).toMatchObject({ help: 'kstat.zfs.misc.state', type: 'gauge' })
    const state = samplesOf(families, 'node_zfs_zpool_state')
    expect(state).toHaveLength(14)
    expect(state.filter((s) => s.value === 1).map((s) => s.labels)).toEqual([
      { zpool: 'backup', state: 'degraded' },
      { zpool: 'tank', state: 'online' },
    ])
    expect(state.filter((s) => s.labels.zpool === 'backup').map((s) => s.labels.state)).toEqual(['online', 'degraded', 'faulted', 'offline', 'removed', 'unavail', 'suspended'])
    // backup has a state file only: no io or dataset series
    expect(samplesOf(families, 'node_zfs_zpool_reads').map((s) => s.labels.zpool)).toEqual(['tank'])
  })

  it('keeps the first of two kstat rows that map to one metric name', async () => {
    const families = await withProc({ [`${Z}/zil`]: `${HEADER}a-b 4 1\na_b 4 2\nx.y 4 3\nbad/name 4 4\n` }, (o) => collectFrom(zfsCollector, o))
    expect(family(families, 'node_zfs_zil_a_b')).toMatchObject({ help: 'kstat.zfs.misc.zil.a-b', samples: [{ labels: {}, value: 1 }] })
    expect(family(families, 'node_zfs_zil_y')).toMatchObject({ help: 'kstat.zfs.misc.zil.x.y', samples: [{ labels: {}, value: 3 }] })
    expect(families.map((f) => f.name).sort()).toEqual(['node_zfs_zil_a_b', 'node_zfs_zil_y'])
  })

  it('an empty kstat directory has no series; no directory is no data', async () => {
    await expect(withProc({ [`${Z}/pool/txgs`]: '' }, (o) => collectFrom(zfsCollector, o))).resolves.toEqual([])
    await expect(collectFrom(zfsCollector)).rejects.toBeInstanceOf(NoDataError)
    await expect(withProc({ 'spl/kstat/other': '' }, (o) => collectFrom(zfsCollector, o))).rejects.toBeInstanceOf(NoDataError)
  })

  it.each([
    ['arcstats without a header', `${Z}/arcstats`, 'hits 4 1\n', /arcstats: no "name type data" header/],
    ['a non-numeric arcstats value', `${Z}/arcstats`, `${HEADER}hits 4 lots\n`, /arcstats line 2: invalid unsigned/],
    ['a truncated pool io row', `${Z}/tank/io`, IO.slice(0, -40), /tank\/io line 3: \d+ values for 12 fields/],
    ['an empty objset file', `${Z}/tank/objset-0x36`, '', /objset-0x36: no "name type data" header/],
  ])('rejects %s with a ParseError naming the file', async (_, path, text, message) => {
    const run = withProc({ ...HOST, [path]: text }, (o) => collectFrom(zfsCollector, o))
    await expect(run).rejects.toBeInstanceOf(ParseError)
    await expect(run).rejects.toThrow(message)
  })
})
