import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createHostFS } from './host-fs.ts'
import { NotRegularFileError, openRegularSync, slowPath } from './safe-reads.ts'
import type { SafeReads, TimedReads } from './safe-reads.ts'
import { createProcFiles } from './proc-files.ts'

// Issue 22, item 1: with the collectors on the serving thread (default flags), no read may
// block it. A FIFO nobody writes stands in for a read the kernel never answers: opened
// plainly, open(2) itself waits for a writer forever (these tests then never finish).

const hostA = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'host-a')
const procPids = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'proc-pids')
const dirs: string[] = []
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

/** A copy of `tree` with `rel` replaced by a FIFO. */
function withFifo(tree: string, rel: string): string {
  const root = mkdtempSync(join(tmpdir(), 'odin-safe-'))
  dirs.push(root)
  cpSync(tree, root, { recursive: true, verbatimSymlinks: true })
  unlinkSync(join(root, rel))
  expect(spawnSync('mkfifo', [join(root, rel)]).status).toBe(0)
  return root
}

/** A TimedReads that records what it was asked and answers from `answers`. */
function fakeTimed(answers: Record<string, string>): TimedReads & { asked: string[] } {
  const asked: string[] = []
  return {
    asked,
    read(path) {
      asked.push(path)
      const text = answers[path]
      if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' })
      return text
    },
    families: () => [],
    stats: () => ({ abandoned: 0, stuck: 0 }),
  }
}

describe.runIf(process.platform === 'linux')('safe reads on the serving thread', () => {
  it('openRegularSync refuses a FIFO (and a directory) without blocking, and opens a regular file', () => {
    const root = withFifo(join(hostA, 'proc'), 'loadavg')
    expect(() => openRegularSync(join(root, 'loadavg'))).toThrow(NotRegularFileError)
    expect(() => openRegularSync(join(root, 'net'))).toThrow(/not a regular file/)
    expect(() => openRegularSync(join(root, 'absent'))).toThrow(expect.objectContaining({ code: 'ENOENT' }))
    expect(openRegularSync(join(root, 'meminfo'))).toBeGreaterThan(2)
  })

  it('HostFS with `safe`: a FIFO in a copied procfs fails its read with EFTYPE (not ENOENT); the other files read as before', async () => {
    const proc = withFifo(join(hostA, 'proc'), 'loadavg')
    const safe: SafeReads = { timed: undefined }
    const fs = createHostFS({ procfs: proc, sysfs: join(hostA, 'sys'), rootfs: join(hostA, 'root') }, undefined, safe)
    await expect(fs.readFile(fs.proc('loadavg'))).rejects.toMatchObject({ code: 'EFTYPE', name: 'NotRegularFileError' })
    expect(await fs.readFile(fs.proc('meminfo'))).toMatch(/^MemTotal:/)
    await expect(fs.readFile(fs.proc('absent'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('HostFS with a helper: cmdline and hwmon/thermal/power_supply files go to it, nothing else does', async () => {
    const sys = mkdtempSync(join(tmpdir(), 'odin-safe-sys-'))
    dirs.push(sys)
    mkdirSync(join(sys, 'class', 'hwmon', 'hwmon0'), { recursive: true })
    mkdirSync(join(sys, 'class', 'net', 'lo'), { recursive: true })
    writeFileSync(join(sys, 'class', 'net', 'lo', 'mtu'), '65536\n')
    const sensor = join(sys, 'class', 'hwmon', 'hwmon0', 'temp1_input')
    const cmdline = join(procPids, '100', 'cmdline')
    const timed = fakeTimed({ [sensor]: '42000\n', [cmdline]: 'from-helper\0' })
    const fs = createHostFS({ procfs: procPids, sysfs: sys, rootfs: join(hostA, 'root') }, undefined, { timed })
    expect(await fs.readFile(sensor)).toBe('42000\n')
    expect(await fs.readFile(cmdline)).toBe('from-helper\0')
    expect(await fs.readFile(join(sys, 'class', 'net', 'lo', 'mtu'))).toBe('65536\n')
    expect(await fs.readFile(join(procPids, '100', 'stat'))).toMatch(/^100 /)
    expect(timed.asked).toEqual([sensor, cmdline])
  })

  it('ProcFiles with `safe`: cmdline through the helper; a FIFO as another per-process file is refused, read or held', () => {
    const proc = withFifo(procPids, join('100', 'status'))
    const cmdline = join(proc, '100', 'cmdline')
    const timed = fakeTimed({ [cmdline]: 'python3\0' })
    const files = createProcFiles(16, proc, undefined, { timed })
    expect(files.read(cmdline)).toBe('python3\0')
    expect(timed.asked).toEqual([cmdline])
    expect(() => files.read(join(proc, '100', 'status'))).toThrow(expect.objectContaining({ code: 'EFTYPE' }))
    expect(() => files.hold(join(proc, '100', 'status'))).toThrow(expect.objectContaining({ code: 'EFTYPE' }))
    expect(files.read(join(proc, '100', 'stat'))).toMatch(/^100 /)
  })

  it.each([
    ['/proc/123/cmdline', true],
    ['/proc/self/cmdline', true],
    ['/proc/123/stat', false],
    ['/proc/cmdline', true],
    ['/sys/class/hwmon/hwmon0/temp1_input', true],
    ['/sys/class/hwmon/hwmon0/device/fan1_input', true],
    ['/sys/class/thermal/thermal_zone0/temp', true],
    ['/sys/class/power_supply/BAT0/capacity', true],
    ['/sys/devices/platform/coretemp.0/hwmon/hwmon3/temp2_input', true],
    ['/sys/devices/virtual/thermal/thermal_zone0/temp', true],
    ['/sys/devices/LNXSYSTM:00/LNXSYBUS:00/PNP0C0A:00/power_supply/BAT0/energy_now', true],
    ['/sys/devices/system/cpu/cpu0/thermal_throttle/core_throttle_count', false],
    ['/sys/class/net/eth0/mtu', false],
    ['/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq', false],
    ['/elsewhere/class/hwmon/x', false],
  ])('slowPath(%s) is %s', (path, slow) => {
    expect(slowPath(path, '/proc', '/sys')).toBe(slow)
  })
})
