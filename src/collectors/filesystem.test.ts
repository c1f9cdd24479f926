import { describe, expect, it } from 'vitest'
import { collectFrom, contextFor, createFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { fsError, hostA, overlayFS } from '../../test/fixtures/host-a/host.ts'
import type { StatEntry } from '../../test/fixtures/host-a/host.ts'
import type { StatFs } from '../platform/host-fs.ts'
import { filesystemCollector } from './filesystem.ts'
import { NoDataError } from './types.ts'

const disk = (blocks: number, bfree: number, bavail: number): StatFs => ({ type: 0xef53, bsize: 4096, blocks, bfree, bavail, files: 65536, ffree: 60000 })

const healthy: Record<string, StatEntry> = {
  'root/': disk(244190646, 100000000, 90000000),
  'root/run': disk(393216, 390000, 390000),
  'root/data': disk(488378000, 400000000, 400000000),
  'root/srv/archive': disk(1000, 10, 10),
  'root/run/user/1000': disk(393215, 393000, 393000),
  'root/mnt/nas share': disk(2000000, 1000000, 1000000),
}

const mountpoints = (fams: Awaited<ReturnType<typeof collectFrom>>, name: string) => samplesOf(fams, name).map((s) => s.labels.mountpoint)

describe('filesystem collector on host-a', () => {
  it('reads <procfs>/1/mountinfo, applies node_exporter default excludes, statfs under the rootfs', async () => {
    const fs = overlayFS({}, healthy)
    const fams = await collectFrom(filesystemCollector, { ...hostA, fs })
    expect(mountpoints(fams, 'node_filesystem_size_bytes')).toEqual(['/', '/run', '/data', '/srv/archive', '/run/user/1000', '/mnt/nas share'])
    expect(fs.statfsCalls).toContain(`${hostA.rootfs}/data`)
    const root = { device: '/dev/nvme0n1p1', mountpoint: '/', fstype: 'ext4', device_error: '' }
    expect(sampleValue(fams, 'node_filesystem_size_bytes', root)).toBe(244190646 * 4096)
    expect(sampleValue(fams, 'node_filesystem_free_bytes', root)).toBe(100000000 * 4096)
    expect(sampleValue(fams, 'node_filesystem_avail_bytes', root)).toBe(90000000 * 4096)
    expect(sampleValue(fams, 'node_filesystem_files', root)).toBe(65536)
    expect(sampleValue(fams, 'node_filesystem_files_free', root)).toBe(60000)
    expect(sampleValue(fams, 'node_filesystem_device_error', root)).toBe(0)
    expect(sampleValue(fams, 'node_filesystem_readonly', root)).toBe(0)
    expect(sampleValue(fams, 'node_filesystem_readonly', { mountpoint: '/srv/archive' })).toBe(1)
    expect(samplesOf(fams, 'node_filesystem_mount_info')[0]).toEqual({ labels: { device: '/dev/nvme0n1p1', major: '259', minor: '1', mountpoint: '/' }, value: 1 })
    expect(family(fams, 'node_filesystem_avail_bytes')).toMatchObject({ type: 'gauge', help: 'Filesystem space available to non-root users in bytes.' })
  })

  it('reports a failed statfs as device_error 1 labelled with the errno text, without size series', async () => {
    const fs = overlayFS({}, { ...healthy, 'root/data': fsError('EACCES', 'data') })
    const fams = await collectFrom(filesystemCollector, { ...hostA, fs })
    expect(sampleValue(fams, 'node_filesystem_device_error', { mountpoint: '/data' })).toBe(1)
    expect(samplesOf(fams, 'node_filesystem_device_error').find((s) => s.labels.mountpoint === '/data')?.labels.device_error).toBe('permission denied')
    expect(mountpoints(fams, 'node_filesystem_size_bytes')).not.toContain('/data')
  })

  it('marks a mount whose statfs hangs as stale, skips it on later samples, and resumes once it answers', async () => {
    let answer: (s: StatFs) => void = () => {}
    const pending = new Promise<StatFs>((resolve) => (answer = resolve))
    const fs = overlayFS({}, { ...healthy, 'root/mnt/nas share': () => pending })
    const options = { ...hostA, fs, args: ['--collector.filesystem.mount-timeout=50ms'] }
    const c = createFrom(filesystemCollector, options)
    const ctx = () => contextFor(c, options)
    const nas = { mountpoint: '/mnt/nas share' }
    const errorLabel = (fams: Awaited<ReturnType<typeof collectFrom>>) =>
      samplesOf(fams, 'node_filesystem_device_error').find((s) => s.labels.mountpoint === '/mnt/nas share')?.labels.device_error

    const t0 = performance.now()
    const first = await c.collect(ctx())
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(sampleValue(first, 'node_filesystem_device_error', nas)).toBe(1)
    expect(errorLabel(first)).toBe('mountpoint timeout')
    expect(mountpoints(first, 'node_filesystem_size_bytes')).not.toContain('/mnt/nas share')
    expect(sampleValue(first, 'node_filesystem_size_bytes', { mountpoint: '/data' })).toBe(488378000 * 4096)

    const calls = fs.statfsCalls.length
    const second = await c.collect(ctx())
    expect(fs.statfsCalls.slice(calls)).not.toContain(`${hostA.rootfs}/mnt/nas share`)
    expect(sampleValue(second, 'node_filesystem_device_error', nas)).toBe(1)

    answer(disk(10, 5, 5))
    await pending
    await new Promise((r) => setTimeout(r, 0))
    const third = await c.collect(ctx())
    expect(sampleValue(third, 'node_filesystem_size_bytes', nas)).toBe(40960)
    expect(errorLabel(third)).toBe('')
  })

  it('caps the mounts exported and counts the dropped series (thousands of mounts)', async () => {
    const n = 3000
    const lines = [`1 0 259:1 / ${hostA.rootfs} rw - ext4 /dev/vda1 rw`]
    const stats: Record<string, StatEntry> = { 'root/': disk(1, 1, 1) }
    for (let i = 0; i < n; i++) {
      lines.push(`${i + 2} 1 0:${i + 40} / ${hostA.rootfs}/var/lib/kubelet/pods/p${i}/volumes/token rw - tmpfs tmpfs rw`)
      stats[`root/var/lib/kubelet/pods/p${i}/volumes/token`] = disk(10, 10, 10)
    }
    // The same mount listed twice counts once.
    lines.push(`${n + 2} 1 0:40 / ${hostA.rootfs}/var/lib/kubelet/pods/p0/volumes/token rw - tmpfs tmpfs rw`)
    const fs = overlayFS({ 'proc/1/mountinfo': `${lines.join('\n')}\n` }, stats)
    const ctx = { ...hostA, fs, args: ['--collector.filesystem.max-mounts=100'] }
    const collector = createFrom(filesystemCollector, ctx)
    const fams = await collectFrom(collector, ctx)
    expect(mountpoints(fams, 'node_filesystem_size_bytes')).toHaveLength(100)
    expect(mountpoints(fams, 'node_filesystem_size_bytes')[0]).toBe('/')
    expect(fs.statfsCalls).toHaveLength(100)
    const series = fams.filter((f) => f.name.startsWith('node_filesystem_')).reduce((k, f) => k + f.samples.length, 0)
    expect(series).toBe(100 * 8)
    expect(sampleValue(fams, 'odin_series_dropped_total', { collector: 'filesystem' })).toBe((n + 1 - 100) * 8)
    // A counter: the next tick adds its drops.
    const again = await collectFrom(collector, ctx)
    expect(sampleValue(again, 'odin_series_dropped_total', { collector: 'filesystem' })).toBe(2 * (n + 1 - 100) * 8)
    // The default cap (1,000 mounts) holds the 37,864-series case to 8,000.
    const byDefault = await collectFrom(filesystemCollector, { ...hostA, fs: overlayFS({ 'proc/1/mountinfo': `${lines.join('\n')}\n` }, stats) })
    expect(mountpoints(byDefault, 'node_filesystem_size_bytes')).toHaveLength(1000)
    expect(sampleValue(byDefault, 'odin_series_dropped_total', { collector: 'filesystem' })).toBe((n + 1 - 1000) * 8)
  })

  it('drops nothing under the cap', async () => {
    const fams = await collectFrom(filesystemCollector, { ...hostA, fs: overlayFS({}, healthy) })
    expect(sampleValue(fams, 'odin_series_dropped_total', { collector: 'filesystem' })).toBe(0)
  })

  it('honours include/exclude flags', async () => {
    const fs = overlayFS({}, healthy)
    const fams = await collectFrom(filesystemCollector, {
      ...hostA,
      fs,
      args: ['--collector.filesystem.mount-points-include=^/(data|srv/.*)$', '--collector.filesystem.fs-types-exclude=^xfs$'],
    })
    expect(mountpoints(fams, 'node_filesystem_size_bytes')).toEqual(['/srv/archive'])
  })

  it('falls back to <procfs>/self/mountinfo when PID 1 is hidden, strips the rootfs prefix', async () => {
    const fs = overlayFS({ 'proc/1/mountinfo': fsError('ENOENT', '1/mountinfo') }, { 'root/var/lib/odin': disk(100, 50, 50) })
    const fams = await collectFrom(filesystemCollector, { ...hostA, fs })
    expect(mountpoints(fams, 'node_filesystem_size_bytes')).toEqual(['/var/lib/odin'])

    const prefixed = overlayFS(
      { 'proc/1/mountinfo': `1 0 259:1 / ${hostA.rootfs} rw - ext4 /dev/vda1 rw\n2 1 259:2 / ${hostA.rootfs}/data rw - ext4 /dev/vda2 rw\n` },
      { 'root/': disk(1, 1, 1), 'root/data': disk(2, 2, 2) },
    )
    const stripped = await collectFrom(filesystemCollector, { ...hostA, fs: prefixed })
    expect(mountpoints(stripped, 'node_filesystem_size_bytes')).toEqual(['/', '/data'])
  })

  it('is no data without mountinfo, a failure on EACCES', async () => {
    await expect(collectFrom(filesystemCollector, { procfs: '/nonexistent' })).rejects.toBeInstanceOf(NoDataError)
    const fs = overlayFS({ 'proc/1/mountinfo': fsError('EACCES', '1/mountinfo') })
    const err = await collectFrom(filesystemCollector, { ...hostA, fs }).catch((e: unknown) => e)
    expect(err).not.toBeInstanceOf(NoDataError)
    expect(String(err)).toMatch(/1\/mountinfo/)
  })
})
