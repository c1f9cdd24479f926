import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOST_A, ensureBinary, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'

// 5,000 mounts (the shape of a node with thousands of pod volumes: 1.6 MB of mountinfo gave
// 37,864 series) on a copy of the host-a fixture.
describe('the binary on a host with thousands of mounts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odin-e2e-mounts-'))
  const MOUNTS = 5000
  let agent: RunningAgent

  beforeAll(async () => {
    await ensureBinary()
    const fixture = HOST_A
    cpSync(fixture, join(dir, 'host'), { recursive: true, verbatimSymlinks: true })
    const root = join(dir, 'host', 'root')
    const lines = [`1 0 259:1 / ${root} rw - ext4 /dev/vda1 rw`]
    for (let i = 0; i < MOUNTS; i++) {
      const mp = join(root, 'var/lib/kubelet/pods', `p${i}`, 'volumes/kubernetes.io~projected/token')
      mkdirSync(mp, { recursive: true })
      lines.push(`${i + 2} 1 0:${i + 100} / ${mp} rw,relatime - tmpfs tmpfs rw,size=1024k`)
    }
    writeFileSync(join(dir, 'host', 'proc', '1', 'mountinfo'), `${lines.join('\n')}\n`)
    agent = await startAgent([
      `--path.procfs=${dir}/host/proc`,
      `--path.sysfs=${dir}/host/sys`,
      `--path.rootfs=${root}`,
      '--sampler.interval=1s',
      `--data-dir=${join(dir, 'data')}`,
    ])
  }, 180_000)
  afterAll(async () => {
    await agent?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('exports at most 1,000 mounts (8,000 series) and counts the rest as dropped', async () => {
    const text = await waitFor(
      async () => {
        const t = await (await fetch(`${agent.url}/metrics`)).text()
        return /^odin_series_dropped_total\{collector="filesystem"\}/m.test(t) || /^node_filesystem_size_bytes\{/m.test(t) ? t : undefined
      },
      15_000,
      'filesystem samples',
    )
    const series = text.split('\n').filter((l) => l.startsWith('node_filesystem_')).length
    expect(series).toBeLessThanOrEqual(8 * 1000)
    expect(text.split('\n').filter((l) => l.startsWith('node_filesystem_size_bytes{')).length).toBe(1000)
    const dropped = Number(/^odin_series_dropped_total\{collector="filesystem"\} (\d+)/m.exec(text)?.[1])
    expect(dropped).toBeGreaterThanOrEqual((MOUNTS + 1 - 1000) * 8)
  }, 30_000)
})
