import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { contextFor } from '../../test/helpers/collect.ts'
import { loadavgCollector } from './loadavg.ts'
import { classDevices, pseudoLinkTarget, resolveDir, resolveLink } from './sysfs-link.ts'

describe('pseudoLinkTarget', () => {
  it.each([
    ['../../devices/platform/coretemp.0/hwmon/hwmon0', '../../devices/platform/coretemp.0/hwmon/hwmon0'],
    ['../../devices/x/net/eth0/\n', '../../devices/x/net/eth0/'],
    ['./a', './a'],
  ])('%j is a link target', (content, want) => {
    expect(pseudoLinkTarget(content)).toBe(want)
  })

  it.each(['', 'bond0 dmz int\n', '/abs/path', '1\n', '../a b', '../a\n../b', `../${'x'.repeat(5000)}`, '../a\0'])('%j is not', (content) => {
    expect(pseudoLinkTarget(content)).toBeUndefined()
  })
})

describe('resolveLink / resolveDir / classDevices', () => {
  const root = mkdtempSync(join(tmpdir(), 'odin-sysfs-link-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  mkdirSync(join(root, 'devices/a/net/eth0'), { recursive: true })
  mkdirSync(join(root, 'devices/b/net/eth1'), { recursive: true })
  mkdirSync(join(root, 'class/net/lo'), { recursive: true })
  symlinkSync('../../devices/a/net/eth0', join(root, 'class/net/eth0'))
  writeFileSync(join(root, 'class/net/eth1'), '../../devices/b/net/eth1\n')
  writeFileSync(join(root, 'class/net/bonding_masters'), 'bond0\n')
  writeFileSync(join(root, 'class/net/dangling'), '../../devices/nowhere\n')
  symlinkSync('../../devices/missing', join(root, 'class/net/broken'))
  const ctx = contextFor(loadavgCollector, { sysfs: root })

  it('follows real links and links kept as files, relative to the link', async () => {
    expect(await resolveLink(ctx, join(root, 'class/net/eth0'))).toBe(join(root, 'devices/a/net/eth0'))
    expect(await resolveLink(ctx, join(root, 'class/net/eth1'))).toBe(join(root, 'devices/b/net/eth1'))
    expect(await resolveLink(ctx, join(root, 'class/net/lo'))).toBeUndefined()
    expect(await resolveLink(ctx, join(root, 'class/net/bonding_masters'))).toBeUndefined()
    expect(await resolveLink(ctx, join(root, 'class/net/absent'))).toBeUndefined()
  })

  it('resolves only entries that end at a directory', async () => {
    expect(await resolveDir(ctx, join(root, 'class/net/lo'))).toBe(join(root, 'class/net/lo'))
    expect(await resolveDir(ctx, join(root, 'class/net/dangling'))).toBeUndefined()
    expect(await resolveDir(ctx, join(root, 'class/net/broken'))).toBeUndefined()
  })

  it('lists class devices sorted, skipping plain files and dangling links', async () => {
    const devices = await classDevices(ctx, join(root, 'class/net'))
    expect(devices.map((d) => d.name)).toEqual(['eth0', 'eth1', 'lo'])
    expect(devices[1]?.dir).toBe(join(root, 'devices/b/net/eth1'))
  })
})
