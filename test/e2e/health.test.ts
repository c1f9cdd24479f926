import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, cpSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { HOST_A, binaryPath, ensureBinary, waitFor } from '../helpers/binary.ts'

const fixture = HOST_A
const MANIFEST_CAPS = '0000000000080004' // CAP_SYS_PTRACE | CAP_DAC_READ_SEARCH
const FULL_CAPS = '000001ffffffffff'

beforeAll(async () => {
  await ensureBinary()
}, 180_000)

/** A copy of host-a whose <procfs>/self says what the test wants about the agent itself. */
function hostWith(self: { capEff?: string; procMountOptions?: string }): string {
  const dir = mkdtempSync(join(tmpdir(), 'odin-health-'))
  chmodSync(dir, 0o755)
  cpSync(fixture, dir, { recursive: true })
  const proc = join(dir, 'proc')
  if (self.capEff !== undefined) {
    writeFileSync(join(proc, 'self', 'status'), `Name:\todin-agent\nUid:\t0\t0\t0\t0\nCapInh:\t0000000000000000\nCapPrm:\t${self.capEff}\nCapEff:\t${self.capEff}\n`)
  }
  if (self.procMountOptions !== undefined) {
    writeFileSync(join(proc, 'self', 'mountinfo'), `22 1 0:5 / ${proc} rw,nosuid,nodev,noexec - proc proc ${self.procMountOptions}\n`)
  }
  return dir
}

interface Run {
  logs: string
  metrics: string
}

/** Starts the binary, reads /metrics once it is ready, stops it. */
async function runOnce(root: string, opts: { env?: Record<string, string>; uid?: number } = {}): Promise<Run> {
  const data = mkdtempSync(join(tmpdir(), 'odin-health-data-'))
  chmodSync(data, 0o777)
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env }
  const child = spawn(
    binaryPath,
    ['--web.listen-address=127.0.0.1:0', `--path.procfs=${root}/proc`, `--path.sysfs=${root}/sys`, `--path.rootfs=${root}/root`, '--sampler.interval=1s', `--data-dir=${data}`],
    { stdio: ['ignore', 'pipe', 'pipe'], env, uid: opts.uid, gid: opts.uid },
  )
  let logs = ''
  child.stdout.on('data', (d: Buffer) => (logs += d.toString()))
  child.stderr.on('data', (d: Buffer) => (logs += d.toString()))
  try {
    const port = await waitFor(async () => /address=127\.0\.0\.1:(\d+)/.exec(logs)?.[1], 15_000, `the agent to listen:\n${logs}`)
    const url = `http://127.0.0.1:${port}`
    await waitFor(async () => (await fetch(`${url}/ready`)).ok, 15_000, '/ready')
    return { logs, metrics: await (await fetch(`${url}/metrics`)).text() }
  } finally {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
}

const sample = (metrics: string, series: string) => {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

describe('wrong --path roots exit 2 with one line', () => {
  it.each([
    [['--path.procfs=/nonexistent'], 'odin-agent: --path.procfs: "/nonexistent" is not a directory'],
    [['--path.procfs=/nonexistent', '--path.sysfs=/nonexistent', '--path.rootfs=/nonexistent'], 'odin-agent: --path.procfs: "/nonexistent" is not a directory'],
    [['--path.sysfs=/nonexistent/sys'], 'odin-agent: --path.sysfs: "/nonexistent/sys" is not a directory'],
    [['--path.rootfs=/nonexistent/root'], 'odin-agent: --path.rootfs: "/nonexistent/root" is not a directory'],
    [[`--path.procfs=${join(fixture, 'sys')}`], `odin-agent: --path.procfs: "${join(fixture, 'sys')}" has no stat file; is it a procfs mount?`],
  ])('%j', (args, line) => {
    const r = spawnSync(binaryPath, ['--web.listen-address=127.0.0.1:0', ...args], { encoding: 'utf8', timeout: 20_000 })
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(`${line}\n`)
    expect(r.stdout).toBe('')
  })
})

describe('what the agent cannot see is logged once and exported', () => {
  it('root in a Kubernetes container with only the manifest capabilities: no root warning, full view', async () => {
    const run = await runOnce(hostWith({ capEff: MANIFEST_CAPS }), { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' } })
    expect(run.logs).not.toContain('running as root')
    expect(run.logs).not.toContain('limited view')
    expect(sample(run.metrics, 'odin_agent_capabilities{capability="CAP_SYS_PTRACE"}')).toBe(1)
    expect(sample(run.metrics, 'odin_agent_capabilities{capability="CAP_DAC_READ_SEARCH"}')).toBe(1)
    expect(sample(run.metrics, 'odin_agent_process_visibility')).toBe(1)
  }, 60_000)

  it('root in a privileged container (every capability) still gets the root warning, once', async () => {
    const run = await runOnce(hostWith({ capEff: FULL_CAPS }), { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' } })
    expect(run.logs.match(/running as root/g)).toHaveLength(1)
    expect(sample(run.metrics, 'odin_agent_process_visibility')).toBe(1)
  }, 60_000)

  it('capabilities dropped and hidepid=2: one warning naming the reasons, visibility 0', async () => {
    const root = hostWith({ capEff: '0000000000000000', procMountOptions: 'rw,hidepid=2' })
    const run = await runOnce(root, { env: { KUBERNETES_SERVICE_HOST: '10.0.0.1' } })
    const warnings = run.logs.split('\n').filter((l) => l.includes('limited view of other processes'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('reasons=no_cap_sys_ptrace,no_cap_dac_read_search,hidepid')
    expect(sample(run.metrics, 'odin_agent_capabilities{capability="CAP_SYS_PTRACE"}')).toBe(0)
    expect(sample(run.metrics, 'odin_agent_process_visibility')).toBe(0)
    expect(sample(run.metrics, 'odin_agent_process_visibility_limit{reason="hidepid"}')).toBe(1)
    expect(sample(run.metrics, 'odin_agent_process_visibility_limit{reason="unprivileged"}')).toBe(0)
  }, 60_000)

  it.runIf(process.getuid?.() === 0)(
    'running as nobody (its real /proc/self/status): unprivileged, no root warning',
    async () => {
      const run = await runOnce(hostWith({}), { uid: 65534 })
      expect(run.logs).not.toContain('running as root')
      expect(run.logs).toMatch(/limited view of other processes.*reasons=unprivileged,no_cap_sys_ptrace,no_cap_dac_read_search/)
      expect(sample(run.metrics, 'odin_agent_process_visibility_limit{reason="unprivileged"}')).toBe(1)
      expect(sample(run.metrics, 'odin_agent_process_visibility')).toBe(0)
    },
    60_000,
  )
})
