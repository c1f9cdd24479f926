import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBinary, repoRoot, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'
import { fixture as smiCapture, installFakeNvidiaSmi } from '../gpu/fake-smi.ts'
import type { StatusDoc } from '../../src/server/status-model.ts'

const chromium = ['chromium', 'chromium-browser'].find((b) => spawnSync(b, ['--version']).status === 0)
const XSS = '<img src=x onerror=alert(1)>'
/** Screenshots land here (ignored by git) for a person to look at after a run. */
const artifacts = join(repoRoot, '.tmp', 'test-artifacts')

/**
 * host-a plus the hand-written processes of proc-pids, plus PID 700: a miner whose comm
 * and argv are HTML, so the group table, the threat table and the command line all carry
 * attacker-controlled markup.
 */
function fixtureHost(): string {
  const dir = mkdtempSync(join(tmpdir(), 'odin-page-host-'))
  cpSync(join(repoRoot, 'test', 'fixtures', 'host-a'), dir, { recursive: true })
  const pids = join(repoRoot, 'test', 'fixtures', 'proc-pids')
  for (const entry of readdirSync(pids)) {
    if (/^\d+$/.test(entry)) cpSync(join(pids, entry), join(dir, 'proc', entry), { recursive: true, verbatimSymlinks: true })
  }
  mkdirSync(join(dir, 'proc', 'net'), { recursive: true })
  for (const f of ['tcp', 'tcp6']) cpSync(join(pids, 'net', f), join(dir, 'proc', 'net', f))
  const evil = join(dir, 'proc', '700')
  cpSync(join(pids, '100'), evil, { recursive: true, verbatimSymlinks: true })
  writeFileSync(join(evil, 'cmdline'), [XSS, '--url', 'stratum+tcp://pool.example:3333', '--pass=hunter2', ''].join('\0'))
  writeFileSync(join(evil, 'stat'), readFileSync(join(pids, '100', 'stat'), 'utf8').replace(/^100 \(python3\)/, `700 (${XSS})`))
  return dir
}

describe('status page in a real browser', () => {
  let agent: RunningAgent

  beforeAll(async () => {
    await ensureBinary()
    const host = fixtureHost()
    const smi = installFakeNvidiaSmi({ mode: 'replay', capture: smiCapture('h100-sxm-2gpu.xml') })
    agent = await startAgent([
      `--path.procfs=${host}/proc`,
      `--path.sysfs=${host}/sys`,
      `--path.rootfs=${host}/root`,
      '--sampler.interval=1s',
      `--collector.gpu.nvidia-smi-path=${smi.path}`,
      `--data-dir=${mkdtempSync(join(tmpdir(), 'odin-page-'))}`,
    ])
    await waitFor(
      async () => {
        const doc = (await (await fetch(`${agent.url}/status.json`)).json()) as StatusDoc
        return doc.gpus.length === 2 && doc.threats.some((t) => t.comm === XSS) && doc.anomaly.series.length > 0
      },
      20_000,
      'GPUs, the XSS threat and scored series in status.json',
    )
  }, 180_000)
  afterAll(async () => {
    await agent?.stop()
  })

  const browser = (extra: string[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'odin-chromium-'))
    const args = [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${dir}`,
      '--virtual-time-budget=5000',
    ]
    return spawnSync(chromium as string, [...args, ...extra, `${agent.url}/`], { encoding: 'utf8', timeout: 60_000 })
  }

  it('status.json is small and carries the hostile names as data', async () => {
    const res = await fetch(`${agent.url}/status.json`)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const body = await res.text()
    expect(body.length).toBeLessThan(256 * 1024)
    const doc = JSON.parse(body) as StatusDoc
    const threat = doc.threats.find((t) => t.rule === 'miner_stratum_url')
    expect(threat).toMatchObject({ comm: XSS, severity: 'critical' })
    expect(threat?.cmdline).toBe(`${XSS} --url stratum+tcp://pool.example:3333 --pass=***`)
    expect(doc.groups.map((g) => g.name)).toContain(XSS)
    // Each detector with its state, last success and duration; the threat scan among them, not among collectors.
    expect(doc.detectors.map((d) => [d.name, d.state])).toEqual([
      ['anomaly', 'ok'],
      ['disk_fill', 'ok'],
      ['pod_anomaly', 'ok'],
      ['threats', 'ok'],
    ])
    for (const d of doc.detectors) {
      expect(d.lastSuccessAgeSeconds).not.toBeNull()
      expect(d.durationMs).toBeGreaterThanOrEqual(0)
    }
    expect(doc.collectors.map((c) => c.name)).not.toContain('detector.threats')
  })

  it.runIf(chromium)(
    'headless Chromium renders host, GPU, threat, anomaly and health sections, with hostile names as text',
    () => {
      const dom = browser(['--dump-dom'])
      expect(dom.status).toBe(0)
      const html = dom.stdout
      expect(html).toContain('data-loaded="true"')
      expect(html).toContain('<h1>odin-agent</h1>')
      expect(html).toContain('href="metrics"')
      const section = (id: string) => html.slice(html.indexOf(`<section id="${id}"`), html.indexOf('</section>', html.indexOf(`<section id="${id}"`)))
      expect(section('host')).toContain('4 CPUs')
      expect(section('gpus')).toContain('GPU 0')
      expect(section('gpus')).toContain('NVIDIA H100 80GB HBM3')
      expect(section('gpus')).toContain('612 W of 700 W')
      expect(section('gpus')).toContain('throttle: sw_power_cap')
      expect(section('threats')).toContain('miner_stratum_url')
      expect(section('threats')).toContain('--pass=***')
      expect(section('threats')).not.toContain('hunter2')
      expect(section('anomaly')).toContain('<svg')
      expect(section('anomaly')).toContain('gpu0_temp')
      expect(section('groups')).toContain('python3')
      // Health: working green, absent grey, apart from failing red.
      expect(section('health')).toMatch(/<span class="badge ok"[^>]*>loadavg<\/span>/)
      expect(section('health')).toMatch(/<span class="badge absent"[^>]*>bcache<\/span>/)
      expect(section('health')).toContain('0 failing')
      expect(section('health')).toMatch(/<span class="badge ok"[^>]*>threats<\/span><\/td><td>ok<\/td><td class="num">\d+ s ago<\/td><td class="num">[\d.]+ ms<\/td>/)
      for (const id of ['host', 'gpus', 'threats', 'anomaly', 'forecasts', 'groups', 'health']) {
        expect(section(id), id).not.toMatch(/>(?:null|undefined|NaN)</)
      }
      // The XSS case: the name shows as text in the groups and threats tables; no element was made of it.
      expect(section('threats')).toContain('&lt;img src=x onerror=alert(1)&gt;')
      expect(section('groups')).toContain('&lt;img src=x onerror=alert(1)&gt;')
      expect(html).not.toMatch(/<img\b/i)
      expect(html).not.toContain('onerror="')
    },
    120_000,
  )

  it.runIf(chromium)(
    'screenshots at 1280 px and at phone width (390 px) are saved as test artifacts',
    () => {
      mkdirSync(artifacts, { recursive: true })
      for (const [width, height] of [
        [1280, 1500],
        [390, 3000],
      ] as const) {
        const file = join(artifacts, `status-page-${width}.png`)
        const shot = browser([`--screenshot=${file}`, `--window-size=${width},${height}`, '--hide-scrollbars'])
        expect(shot.status).toBe(0)
        expect(readFileSync(file).subarray(1, 4).toString()).toBe('PNG')
      }
    },
    120_000,
  )

  it.runIf(!chromium)('needs Debian chromium (.ci/run installs it)', () => {
    throw new Error('chromium is not installed: the page test cannot run')
  })
})
