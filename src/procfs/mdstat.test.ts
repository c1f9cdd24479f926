import { describe, expect, it } from 'vitest'
import { parseMdstat } from './mdstat.ts'
import type { MdArray } from './mdstat.ts'
import { ParseError } from './parse-error.ts'

const FILE = '/proc/mdstat'

/** A /proc/mdstat as the kernel prints it: blank-looking separator lines hold spaces. */
const HOST = [
  'Personalities : [raid1] [raid0] [raid10] [raid6] [raid5] [raid4] [linear]',
  'md1 : active raid1 nvme1n1p2[1] nvme0n1p2[0]',
  '      976629760 blocks super 1.2 [2/2] [UU]',
  '      bitmap: 2/8 pages [8KB], 65536KB chunk',
  '',
  'md2 : active raid5 sdd[3] sdc[1](F) sdb[0] sde[4](S)',
  '      3906764800 blocks super 1.2 level 5, 512k chunk, algorithm 2 [3/2] [U_U]',
  '      [====>................]  recovery = 22.4% (437640192/1953382400) finish=130.2min speed=193962K/sec',
  '      bitmap: 4/15 pages [16KB], 65536KB chunk',
  '',
  'md3 : active raid0 sdf[1] sdg[0]',
  '      1953260544 blocks super 1.2 512k chunks',
  '      ',
  'md4 : active linear sdh[0] sdi[1] sdj[2]',
  '      2929893 blocks super 1.2 0k rounding',
  '      ',
  'md5 : inactive sdk[1](S) sdl[0](S)',
  '       1953260976 blocks super 1.2',
  '       ',
  'md6 : active (auto-read-only) raid10 sdm[0] sdn[1] sdo[2] sdp[3]',
  '      209584128 blocks super 1.2 512K chunks 2 near-copies [4/4] [UUUU]',
  '      \tresync=PENDING',
  '      ',
  'unused devices: <none>',
  '',
].join('\n')

function byName(arrays: readonly MdArray[]): Record<string, MdArray> {
  return Object.fromEntries(arrays.map((a) => [a.name, a]))
}

describe('parseMdstat', () => {
  it('parses every array shape of a real file', () => {
    const md = byName(parseMdstat(HOST, FILE))
    expect(Object.keys(md)).toEqual(['md1', 'md2', 'md3', 'md4', 'md5', 'md6'])
    expect(md.md1).toEqual({
      name: 'md1',
      activityState: 'active',
      disksActive: 2,
      disksTotal: 2,
      disksFailed: 0,
      disksSpare: 0,
      disksDown: 0,
      blocksTotal: 976629760,
      blocksSynced: 976629760,
      blocksToBeSynced: 976629760,
    })
    expect(md.md2).toMatchObject({
      activityState: 'recovering',
      disksActive: 2,
      disksTotal: 3,
      disksFailed: 1,
      disksSpare: 1,
      disksDown: 1,
      blocksTotal: 3906764800,
      blocksSynced: 437640192,
      blocksToBeSynced: 1953382400,
    })
    // raid0 and linear print no [n/m]: every bracketed member counts, active and required alike.
    expect(md.md3).toMatchObject({ activityState: 'active', disksActive: 2, disksTotal: 2, blocksSynced: 1953260544 })
    expect(md.md4).toMatchObject({ disksActive: 3, disksTotal: 3, blocksTotal: 2929893 })
    // Inactive arrays report no active or required disks, only their (S)/(F) members.
    expect(md.md5).toMatchObject({ activityState: 'inactive', disksActive: 0, disksTotal: 0, disksSpare: 2, blocksTotal: 1953260976, blocksSynced: 1953260976 })
    // "(auto-read-only)" is not the state word; the pending resync is, with nothing synced yet.
    expect(md.md6).toMatchObject({ activityState: 'resyncing', disksActive: 4, disksTotal: 4, blocksSynced: 0, blocksToBeSynced: 209584128 })
  })

  it.each([
    ['resync', '[=>...]  resync =  8.5% (100/1000) finish=1.0min speed=100K/sec', 'resyncing', 100],
    ['check', '[=>...]  check =  5.7% (57/1000) finish=0.2min speed=114176K/sec', 'checking', 57],
    ['reshape', '[>....]  reshape =  0.1% (1/1000) finish=9.9min speed=1K/sec', 'reshaping', 1],
    ['recovery', '[=>...]  recovery = 10.0% (100/1000) finish=3.3min speed=5000K/sec', 'recovering', 100],
    ['resync=DELAYED', '\tresync=DELAYED', 'resyncing', 0],
    ['resync=PENDING', '\tresync=PENDING', 'resyncing', 0],
    ['resync=REMOTE', '\tresync=REMOTE', 'resyncing', 0],
    ['a progress line with no finish or speed', '[=>...]  resync = 10.0% (100/1000)', 'resyncing', 100],
  ])('reads the %s sync line', (_, sync, state, synced) => {
    const text = `md0 : active raid1 sda[0] sdb[1]\n      1000 blocks [2/2] [UU]\n      ${sync}\n\nunused devices: <none>\n`
    const [md] = parseMdstat(text, FILE)
    expect(md).toMatchObject({ activityState: state, blocksTotal: 1000, blocksSynced: synced })
  })

  it('finds the sync line after a bitmap line and before one', () => {
    const sync = '      [==>..]  recovery = 15.0% (150/1000) finish=1.0min speed=1K/sec'
    const bitmap = '      bitmap: 1/1 pages [4KB], 65536KB chunk'
    const head = 'md0 : active raid6 a[0] b[1] c[2] d[3]\n      2000 blocks super 1.2 level 6, 512k chunk, algorithm 2 [4/3] [UU_U]\n'
    for (const tail of [`${bitmap}\n${sync}\n`, `${sync}\n${bitmap}\n`]) {
      expect(parseMdstat(head + tail, FILE)[0]).toMatchObject({ activityState: 'recovering', blocksSynced: 150, disksActive: 3, disksTotal: 4, disksDown: 1 })
    }
  })

  it('counts (F) and (S) members, not (W), (R) or (J)', () => {
    const text = 'md7 : active raid5 a[0](W) b[1](F) c[2](S) d[3](R) e[4](J) f[5](F) g[6](S)\n      10 blocks level 5, 64k chunk, algorithm 2 [3/3] [UUU]\n'
    expect(parseMdstat(text, FILE)[0]).toMatchObject({ disksFailed: 2, disksSpare: 2, disksActive: 3, disksTotal: 3 })
  })

  it('keeps an unknown state word and parses an unknown personality with [n/m]', () => {
    const text = ['md8 : broken raid0 sda[0]', '      100 blocks super 1.2 64k chunks', 'md9 : active raid42 sda[0] sdb[1]', '      200 blocks [2/2] [UU]', ''].join('\n')
    const md = byName(parseMdstat(text, FILE))
    expect(md.md8).toMatchObject({ activityState: 'broken', disksActive: 1, disksTotal: 1, blocksTotal: 100 })
    expect(md.md9).toMatchObject({ activityState: 'active', disksActive: 2, disksTotal: 2, blocksTotal: 200 })
  })

  it('tolerates CRLF, a missing trailing newline and no separator lines', () => {
    const text = 'Personalities : [raid1]\r\nmd0 : active raid1 sda[0] sdb[1]\r\n      50 blocks [2/2] [UU]\r\nmd1 : active raid1 sdc[0]\r\n      60 blocks [2/1] [U_]'
    const md = byName(parseMdstat(text, FILE))
    expect(md.md0).toMatchObject({ activityState: 'active', blocksTotal: 50, disksActive: 2 })
    expect(md.md1).toMatchObject({ activityState: 'active', blocksTotal: 60, disksActive: 1, disksTotal: 2, disksDown: 1 })
  })

  it('does not take the next array for a sync line', () => {
    const text = 'md0 : active raid1 sda[0] sdb[1]\n      50 blocks [2/2] [UU]\nmd_check : active raid1 sdc[0]\n      60 blocks [1/1] [U]\n'
    expect(parseMdstat(text, FILE)[0]).toMatchObject({ activityState: 'active', blocksSynced: 50 })
  })

  it('handles arrays without members', () => {
    const text = 'md0 : inactive\n       \n       \nmd1 : active raid0\n      0 blocks super 1.2 64k chunks\n\nmd2 : active raid1\n      0 blocks super 1.2 [2/0] [__]\n\n'
    const md = byName(parseMdstat(text, FILE))
    expect(md.md0).toMatchObject({ activityState: 'inactive', disksActive: 0, disksTotal: 0, blocksTotal: 0, blocksSynced: 0 })
    expect(md.md1).toMatchObject({ disksActive: 0, disksTotal: 0, blocksTotal: 0 })
    expect(md.md2).toMatchObject({ disksActive: 0, disksTotal: 2, disksDown: 2 })
  })

  it('keeps block counts above 2^53 as floats', () => {
    const text =
      'md0 : active raid1 sda[0] sdb[1]\n      18446744073709551615 blocks [2/2] [UU]\n      [>...]  resync =  0.0% (9007199254740993/18446744073709551615) finish=1min speed=1K/sec\n'
    const [md] = parseMdstat(text, FILE)
    expect(md?.blocksTotal).toBe(2 ** 64)
    expect(md?.blocksSynced).toBe(2 ** 53)
  })

  it.each([
    ['an empty file', ''],
    ['only blank lines', '\n\n  \n'],
    ['no arrays', 'Personalities : \nunused devices: <none>\n'],
  ])('returns no arrays for %s', (_, text) => {
    expect(parseMdstat(text, FILE)).toEqual([])
  })

  it.each([
    ['a device line with two fields', 'md0 :\n      100 blocks [2/2] [UU]\n', 'line 1'],
    ['a device line with no status line', 'md0 : active raid1 sda[0] sdb[1]\n', 'line 2'],
    ['a device line followed by another', 'md0 : active raid1 sda[0]\nmd1 : active raid1 sdb[0]\n      1 blocks [1/1] [U]\n', 'line 2'],
    ['a non-numeric size', 'md0 : active raid0 sda[0]\n      lots blocks 64k chunks\n', 'line 2'],
    ['a status line cut before [n/m]', 'md0 : active raid1 sda[0] sdb[1]\n      100 blocks super 1.2\n', 'line 2'],
    ['a status line cut inside [U_]', 'md0 : active raid1 sda[0] sdb[1]\n      100 blocks [2/2] [UU\n', 'line 2'],
    ['an unknown personality without [n/m]', 'md0 : active faulty sda[0]\n      100 blocks nfaults=0\n', 'line 2'],
    ['a recovery line cut before its counts', 'md0 : active raid1 sda[0] sdb[1]\n      100 blocks [2/1] [U_]\n      [=>...]  recovery =  8.5% (16\n', 'line 3'],
  ])('rejects %s, naming the file and line', (_, text, line) => {
    expect(() => parseMdstat(text, FILE)).toThrowError(ParseError)
    expect(() => parseMdstat(text, FILE)).toThrowError(`${FILE} ${line}`)
  })
})
