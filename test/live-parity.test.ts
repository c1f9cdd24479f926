// Live parity: Debian's node_exporter and odin-agent on this host, scraped at the same
// moment, must agree on what both report. The machine may be a container: only series
// both expose are compared.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { binaryPath, freePort, repoRoot, waitFor } from './helpers/binary.ts'

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter'
const BUN = join(repoRoot, 'node_modules', '.bin', 'bun')
const hasPeer = existsSync(NODE_EXPORTER)
if (!hasPeer) {
  console.warn(`live-parity: ${NODE_EXPORTER} is absent (apt-get install prometheus-node-exporter); live parity is NOT checked`)
}

interface Sample {
  readonly name: string
  readonly labels: Record<string, string>
  readonly value: number
}

/** Parses sample lines of the text exposition format (enough for both exporters). */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = []
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line)
    if (!m) {
      continue
    }
    const labels: Record<string, string> = {}
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1] as string] = (l[2] as string).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
    }
    out.push({ name: m[1] as string, labels, value: Number(m[3]) })
  }
  return out
}

const of = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
const sum = (samples: Sample[]) => samples.reduce((a, s) => a + s.value, 0)
const relDiff = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12)

interface Peer {
  readonly child: ChildProcess
  readonly url: string
  readonly output: () => string
}

function start(file: string, args: string[], port: number): Peer {
  const child = spawn(file, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  return { child, url: `http://127.0.0.1:${port}/metrics`, output: () => out.slice(-2000) }
}

async function stop(peer: Peer | undefined): Promise<void> {
  const child = peer?.child
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    return
  }
  await new Promise<void>((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

async function scrape(url: string): Promise<Sample[]> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) })
  return parseExposition(await res.text())
}

describe.skipIf(!hasPeer)('live parity with node_exporter on this host', () => {
  let nodeExporter: Peer | undefined
  let agent: Peer | undefined
  const dataDir = mkdtempSync(join(tmpdir(), 'odin-parity-'))
  let ne: Sample[] = []
  let odin: Sample[] = []

  beforeAll(async () => {
    const [nePort, agentPort] = [await freePort(), await freePort()]
    nodeExporter = start(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${nePort}`], nePort)
    const agentArgs = [`--web.listen-address=127.0.0.1:${agentPort}`, '--sampler.interval=1s', `--data-dir=${dataDir}`]
    agent = existsSync(BUN) ? start(BUN, ['src/main.ts', ...agentArgs], agentPort) : start(binaryPath, agentArgs, agentPort)
    const ready = (p: Peer) => waitFor(async () => (await scrape(p.url)).some((s) => s.name === 'node_boot_time_seconds'), 20_000, `${p.url} (${p.output()})`)
    await Promise.all([ready(nodeExporter), ready(agent)])
    // The agent serves its latest 1 s sample; wait for a fresh one, then scrape both together.
    await new Promise((r) => setTimeout(r, 1100))
    ;[ne, odin] = await Promise.all([scrape(nodeExporter.url), scrape(agent.url)])
  }, 60_000)

  afterAll(async () => {
    await Promise.all([stop(nodeExporter), stop(agent)])
    rmSync(dataDir, { recursive: true, force: true })
  })

  it('node_filesystem_size_bytes is equal for every mount point both report', () => {
    const key = (s: Sample) => `${s.labels.mountpoint}\0${s.labels.device}\0${s.labels.fstype}`
    const theirs = new Map(of(ne, 'node_filesystem_size_bytes').map((s) => [key(s), s.value]))
    const common = of(odin, 'node_filesystem_size_bytes').filter((s) => theirs.has(key(s)))
    expect(common.length, 'mount points reported by both').toBeGreaterThan(0)
    for (const s of common) {
      expect(s.value, s.labels.mountpoint).toBe(theirs.get(key(s)))
    }
  })

  it('MemTotal, boot time and uname labels are equal', () => {
    for (const name of ['node_memory_MemTotal_bytes', 'node_boot_time_seconds']) {
      expect(
        of(odin, name).map((s) => s.value),
        name,
      ).toEqual(of(ne, name).map((s) => s.value))
      expect(of(odin, name)).toHaveLength(1)
    }
    expect(of(odin, 'node_uname_info').map((s) => s.labels)).toEqual(of(ne, 'node_uname_info').map((s) => s.labels))
  })

  it('CPU count and OS info are equal', () => {
    expect(of(odin, 'node_cpu_seconds_total', { mode: 'idle' }).length).toBe(of(ne, 'node_cpu_seconds_total', { mode: 'idle' }).length)
    expect(of(odin, 'node_cpu_seconds_total', { mode: 'idle' }).length).toBeGreaterThan(0)
    const [mine] = of(odin, 'node_os_info')
    const [theirs] = of(ne, 'node_os_info')
    expect(mine && theirs, 'node_os_info from both').toBeTruthy()
    const shared = Object.keys(theirs?.labels ?? {}).filter((k) => k in (mine?.labels ?? {}))
    expect(shared.length).toBeGreaterThanOrEqual(5)
    for (const k of shared) {
      expect(mine?.labels[k], `node_os_info ${k}`).toBe(theirs?.labels[k])
    }
    expect(of(odin, 'node_os_version').map((s) => s.value)).toEqual(of(ne, 'node_os_version').map((s) => s.value))
  })

  it('the clock discipline from adjtimex is equal: sync status, status bits, tick, PLL constant, TAI offset', () => {
    for (const name of ['node_timex_sync_status', 'node_timex_status', 'node_timex_tick_seconds', 'node_timex_loop_time_constant', 'node_timex_tai_offset_seconds']) {
      expect(
        of(odin, name).map((s) => s.value),
        name,
      ).toEqual(of(ne, name).map((s) => s.value))
    }
    expect(of(ne, 'node_timex_tick_seconds').length, 'node_exporter reports timex here').toBe(1)
    const [mine, theirs] = [of(odin, 'node_timex_frequency_adjustment_ratio')[0]?.value, of(ne, 'node_timex_frequency_adjustment_ratio')[0]?.value]
    expect(Math.abs((mine ?? 0) - (theirs ?? 1))).toBeLessThan(1e-6)
  })

  it("node_exporter's other default collectors agree where this host has their source: selinux, arp, udp_queues", () => {
    for (const name of ['node_selinux_enabled', 'node_selinux_config_mode', 'node_selinux_current_mode']) {
      expect(
        of(odin, name).map((s) => s.value),
        name,
      ).toEqual(of(ne, name).map((s) => s.value))
    }
    const devices = (samples: Sample[], name: string) =>
      of(samples, name)
        .map((s) => s.labels.device ?? `${s.labels.ip}/${s.labels.queue}`)
        .sort()
    expect(devices(odin, 'node_arp_entries')).toEqual(devices(ne, 'node_arp_entries'))
    expect(devices(odin, 'node_udp_queues')).toEqual(devices(ne, 'node_udp_queues'))
  })

  it('counters agree within 1%: node_cpu_seconds_total per mode, node_context_switches_total', () => {
    for (const mode of ['user', 'system', 'idle', 'iowait', 'softirq', 'nice']) {
      const [a, b] = [sum(of(odin, 'node_cpu_seconds_total', { mode })), sum(of(ne, 'node_cpu_seconds_total', { mode }))]
      if (Math.max(a, b) >= 100) {
        expect(relDiff(a, b), `node_cpu_seconds_total{mode="${mode}"} ${a} vs ${b}`).toBeLessThan(0.01)
      }
    }
    const total = (s: Sample[]) => sum(of(s, 'node_cpu_seconds_total'))
    expect(relDiff(total(odin), total(ne))).toBeLessThan(0.01)
    const [a, b] = [sum(of(odin, 'node_context_switches_total')), sum(of(ne, 'node_context_switches_total'))]
    expect(a).toBeGreaterThan(0)
    expect(relDiff(a, b), `${a} vs ${b}`).toBeLessThan(0.01)
  })
})

// scripts/test.sh installs node_exporter, so under CI its absence is a failure, not a skip.
describe('live parity peer', () => {
  it.runIf(process.env.CI === 'true')(`${NODE_EXPORTER} is installed under CI`, () => {
    expect(hasPeer, `${NODE_EXPORTER} is missing: live parity would not be checked`).toBe(true)
  })
})
