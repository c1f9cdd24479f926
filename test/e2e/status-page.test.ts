import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBinary, repoRoot, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'

const chromium = ['chromium', 'chromium-browser'].find((b) => spawnSync(b, ['--version']).status === 0)
const fixture = join(repoRoot, 'test', 'fixtures', 'host-a')

describe('status page in a real browser', () => {
  let agent: RunningAgent

  beforeAll(async () => {
    await ensureBinary()
    agent = await startAgent([`--path.procfs=${fixture}/proc`, `--path.sysfs=${fixture}/sys`, `--path.rootfs=${fixture}/root`, '--sampler.interval=1s', `--data-dir=${mkdtempSync(join(tmpdir(), 'odin-page-'))}`])
    await waitFor(async () => (await fetch(`${agent.url}/ready`)).ok, 10_000, '/ready')
  }, 180_000)
  afterAll(async () => {
    await agent?.stop()
  })

  it.runIf(chromium)('headless Chromium renders collector health and working links', () => {
    const dir = mkdtempSync(join(tmpdir(), 'odin-chromium-'))
    const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${dir}`]
    const dom = spawnSync(chromium as string, [...args, '--dump-dom', `${agent.url}/`], { encoding: 'utf8', timeout: 60_000 })
    expect(dom.status).toBe(0)
    expect(dom.stdout).toContain('<h1>odin-agent</h1>')
    expect(dom.stdout).toMatch(/<tr class="ok"><td>loadavg<\/td><td>ok<\/td>/)
    expect(dom.stdout).toContain('href="/metrics"')
    const shot = spawnSync(chromium as string, [...args, `--screenshot=${join(dir, 'status.png')}`, '--window-size=1000,700', `${agent.url}/`], { encoding: 'utf8', timeout: 60_000 })
    expect(shot.status).toBe(0)
  }, 120_000)

  it.runIf(!chromium)('needs Debian chromium (.ci/run installs it)', () => {
    throw new Error('chromium is not installed: the page test cannot run')
  })
})
