import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { withSys } from '../../test/helpers/host-b.ts'
import { createHostFS } from '../platform/host-fs.ts'
import type { HostFS } from '../platform/host-fs.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { NoDataError } from './types.ts'
import { watchdogCollector } from './watchdog.ts'

const DEV = 'devices/platform/iTCO_wdt/watchdog/watchdog0'

// watchdog0 is a link into /sys/devices (kept as a file holding its target, as a copy made
// without symlink support keeps it); watchdog1 is a device with no readable attributes.
const FILES: Record<string, string> = {
  'class/watchdog/watchdog0': `../../${DEV}\n`,
  [`${DEV}/bootstatus`]: '32\n',
  [`${DEV}/fw_version`]: '0\n',
  [`${DEV}/identity`]: 'iTCO_wdt\n',
  [`${DEV}/nowayout`]: '1\n',
  [`${DEV}/options`]: '0x8180\n',
  [`${DEV}/state`]: 'active\n',
  [`${DEV}/status`]: '0x8000\n',
  [`${DEV}/timeleft`]: '27\n',
  [`${DEV}/timeout`]: '30\n',
  [`${DEV}/uevent`]: 'MAJOR=247\n',
  'class/watchdog/watchdog1/.keep': '',
}

describe('watchdog collector', () => {
  it('exports each numeric attribute the device has', async () => {
    const families = await withSys(FILES, (o) => collectFrom(watchdogCollector, o))
    const wd0 = { name: 'watchdog0' }
    expect(sampleValue(families, 'node_watchdog_bootstatus', wd0)).toBe(32)
    expect(sampleValue(families, 'node_watchdog_fw_version', wd0)).toBe(0)
    expect(sampleValue(families, 'node_watchdog_nowayout', wd0)).toBe(1)
    expect(sampleValue(families, 'node_watchdog_timeleft_seconds', wd0)).toBe(27)
    expect(sampleValue(families, 'node_watchdog_timeout_seconds', wd0)).toBe(30)
    // No pretimeout or access_cs0 file: no sample.
    expect(family(families, 'node_watchdog_pretimeout_seconds')).toBeUndefined()
    expect(family(families, 'node_watchdog_access_cs0')).toBeUndefined()
    expect(samplesOf(families, 'node_watchdog_timeout_seconds')).toHaveLength(1)
    expect(family(families, 'node_watchdog_timeleft_seconds')).toMatchObject({ type: 'gauge', help: 'Value of /sys/class/watchdog/<watchdog>/timeleft' })
  })

  it('exports an info sample per device, with empty labels for missing text attributes', async () => {
    const families = await withSys(FILES, (o) => collectFrom(watchdogCollector, o))
    expect(samplesOf(families, 'node_watchdog_info')).toEqual([
      { labels: { name: 'watchdog0', options: '0x8180', identity: 'iTCO_wdt', state: 'active', status: '0x8000', pretimeout_governor: '' }, value: 1 },
      { labels: { name: 'watchdog1', options: '', identity: '', state: '', status: '', pretimeout_governor: '' }, value: 1 },
    ])
    expect(family(families, 'node_watchdog_info')?.help).toBe('Info of /sys/class/watchdog/<watchdog>')
  })

  it('parses Go integer literals and fails on a malformed number, naming the file', async () => {
    const hex = await withSys({ ...FILES, [`${DEV}/bootstatus`]: '0x20\n' }, (o) => collectFrom(watchdogCollector, o))
    expect(sampleValue(hex, 'node_watchdog_bootstatus')).toBe(32)
    const bad = withSys({ ...FILES, [`${DEV}/timeout`]: 'thirty\n' }, (o) => collectFrom(watchdogCollector, o))
    await expect(bad).rejects.toBeInstanceOf(ParseError)
    await expect(withSys({ ...FILES, [`${DEV}/timeout`]: '\n' }, (o) => collectFrom(watchdogCollector, o))).rejects.toThrowError(/watchdog0\/timeout/)
  })

  it('reports no data without /sys/class/watchdog or when an attribute may not be read', async () => {
    await expect(collectFrom(watchdogCollector)).rejects.toBeInstanceOf(NoDataError)
    const denied = await withSys(FILES, (o) => collectFrom(watchdogCollector, { ...o, fs: failing(o.sysfs as string, 'timeleft', 'EACCES') }).catch((err: unknown) => err))
    expect(denied).toBeInstanceOf(NoDataError)
  })

  it('fails on any other read error', async () => {
    const failed = await withSys(FILES, (o) => collectFrom(watchdogCollector, { ...o, fs: failing(o.sysfs as string, 'timeleft', 'EIO') }).catch((err: unknown) => err))
    expect(failed).not.toBeInstanceOf(NoDataError)
    expect((failed as Error).message).toMatch(/couldn't read .*timeleft/)
  })
})

/** A host filesystem on `sysfs` whose reads of files named `file` fail with `code`. */
function failing(sysfs: string, file: string, code: string): HostFS {
  const fs = createHostFS({ procfs: '/nonexistent/proc', sysfs, rootfs: '/nonexistent/root' })
  return {
    ...fs,
    readFile: async (path) => {
      if (path.endsWith(`/${file}`)) {
        throw Object.assign(new Error(`${code}: ${path}`), { code })
      }
      return fs.readFile(path)
    },
  }
}
