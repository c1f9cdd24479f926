import { spawnSync } from 'node:child_process'
import { closeSync, constants, cpSync, mkdtempSync, openSync, renameSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBinary, repoRoot, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'
import { READ_THREAD_FAMILIES } from '../../src/platform/safe-reads.ts'

// Issue 22, item 1: a read that never returns (here a FIFO nobody writes, as the cmdline of
// a process stuck on a dead NFS mount or a hung sensor would be) must cost only the
// collector that reads it. Before, /metrics and /healthz stopped answering and SIGTERM was
// ignored.

const hostA = join(repoRoot, 'test', 'fixtures', 'host-a')
const procPids = join(repoRoot, 'test', 'fixtures', 'proc-pids')
const dirs: string[] = []
const agents: RunningAgent[] = []

beforeAll(async () => {
  await ensureBinary()
}, 180_000)

afterAll(async () => {
  for (const a of agents) {
    await a.stop('SIGKILL')
  }
  for (const d of dirs) {
    rmSync(d, { recursive: true, force: true })
  }
})

/** A copy of `proc` in a tmp dir with `fifo` (relative) replaced by a FIFO. */
function procWithFifo(proc: string, fifo: string): { root: string; proc: string; fifo: string } {
  const root = mkdtempSync(join(tmpdir(), 'odin-fifo-'))
  dirs.push(root)
  const copy = join(root, 'proc')
  cpSync(proc, copy, { recursive: true, verbatimSymlinks: true })
  const path = join(copy, fifo)
  unlinkSync(path)
  const made = spawnSync('mkfifo', [path])
  expect(made.status).toBe(0)
  return { root, proc: copy, fifo: path }
}

/** GET with a deadline: the time it took, or a failure naming the path. */
async function timedGet(url: string, timeoutMs = 1000): Promise<{ status: number; body: string; ms: number }> {
  const t0 = performance.now()
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
  const body = await res.text()
  return { status: res.status, body, ms: performance.now() - t0 }
}

const successOf = (body: string, collector: string) => new RegExp(`^node_scrape_collector_success\\{collector="${collector}"\\} (\\d)$`, 'm').exec(body)?.[1]

/** The agent on the worker sampler over `proc` and host-a's sys and root, ticking every second. */
async function startOnProc(root: string, proc: string, extra: string[]): Promise<RunningAgent> {
  const agent = await startAgent([
    '--sampler.worker',
    `--path.procfs=${proc}`,
    `--path.sysfs=${hostA}/sys`,
    `--path.rootfs=${hostA}/root`,
    `--data-dir=${join(root, 'data')}`,
    ...extra,
    '--sampler.interval=1s',
  ])
  agents.push(agent)
  return agent
}

/**
 * Scrapes until loadavg reports success 0, with /healthz and /metrics answering at once on
 * every try (before and after the stuck read is found); then the other collectors succeed and
 * node_load1 is gone.
 */
async function untilLoadavgFails(url: string): Promise<string> {
  const body = await waitFor(
    async () => {
      const health = await timedGet(`${url}/healthz`)
      expect(health.status).toBe(200)
      const m = await timedGet(`${url}/metrics`)
      expect(m.status).toBe(200)
      return successOf(m.body, 'loadavg') === '0' ? m.body : undefined
    },
    10_000,
    'loadavg to report success 0',
  )
  expect(successOf(body, 'cpu')).toBe('1')
  expect(successOf(body, 'meminfo')).toBe('1')
  expect(body).not.toMatch(/^node_load1 /m)
  return body
}

/**
 * Scrapes until one thread is counted abandoned (`abandoned`, the worker's or the helper
 * thread's counter) and namedprocess succeeds without the process whose cmdline is the FIFO:
 * python3 100 is left out, python3 101 is still counted. /healthz answers on every try.
 */
async function untilStuckProcessLeftOut(url: string, abandoned: string): Promise<string> {
  const body = await waitFor(
    async () => {
      expect((await timedGet(`${url}/healthz`)).status).toBe(200)
      const m = await timedGet(`${url}/metrics`)
      return new RegExp(`^${abandoned} 1$`, 'm').test(m.body) && successOf(m.body, 'namedprocess') === '1' ? m.body : undefined
    },
    10_000,
    'namedprocess to succeed without the stuck process',
  )
  expect(body).toMatch(/^namedprocess_namegroup_num_procs\{groupname="python3"\} 1$/m)
  expect(body).toMatch(/^namedprocess_namegroup_num_procs\{groupname="systemd"\} 1$/m)
  return body
}

describe('a read blocked in the kernel', () => {
  it('a FIFO as loadavg: /metrics and /healthz answer, loadavg fails, the rest succeed, SIGTERM exits within 2 s', async () => {
    const { root, proc, fifo } = procWithFifo(join(hostA, 'proc'), 'loadavg')
    const agent = await startOnProc(root, proc, ['--collector.timeout=2s'])
    const body = await untilLoadavgFails(agent.url)
    expect(body).toMatch(/^# HELP odin_collector_workers_abandoned_total \S.*$/m)
    expect(body).toMatch(/^# TYPE odin_collector_workers_abandoned_total counter$/m)
    expect(body).toMatch(/^odin_collector_workers_abandoned_total 1$/m)
    expect(body).toMatch(/^odin_collector_workers_stuck 1$/m)
    expect(agent.logs()).toMatch(/collector worker abandoned and replaced" path=\S*loadavg/)
    // Ticks go on with the stuck thread left behind: still one abandoned, not one per tick.
    await new Promise((r) => setTimeout(r, 2500))
    const later = await timedGet(`${agent.url}/metrics`)
    expect(later.ms).toBeLessThan(1000)
    expect(later.body).toMatch(/^odin_collector_workers_abandoned_total 1$/m)
    expect(successOf(later.body, 'loadavg')).toBe('0')
    expect(successOf(later.body, 'cpu')).toBe('1')

    const { code, ms } = await agent.stop('SIGTERM')
    expect(code).toBe(0)
    expect(ms).toBeLessThan(2000)
    void fifo
  }, 40_000)

  it('when the stuck read returns, the abandoned thread exits and the file is read again', async () => {
    const { root, proc, fifo } = procWithFifo(join(hostA, 'proc'), 'loadavg')
    const agent = await startOnProc(root, proc, ['--collector.timeout=2s'])
    await waitFor(async () => /^odin_collector_workers_stuck 1$/m.test((await timedGet(`${agent.url}/metrics`)).body), 10_000, 'the abandoned worker')
    // The abandoned thread is blocked opening the FIFO: open its other end, put a regular
    // loadavg in the FIFO's place, then write and close so the stuck read returns.
    // The guard marks the read before the thread enters open(2): until it is inside, opening
    // the writing end fails with ENXIO (no reader yet), so retry until it is there.
    const writer = await waitFor(
      async () => {
        try {
          return openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENXIO') return undefined
          throw err
        }
      },
      10_000,
      'the stuck thread to hold the FIFO open for reading',
    )
    writeFileSync(join(root, 'loadavg.new'), '0.25 0.50 0.75 1/100 4242\n')
    renameSync(join(root, 'loadavg.new'), fifo)
    writeSync(writer, '9.99 9.99 9.99 1/1 1\n')
    closeSync(writer)
    const body = await waitFor(
      async () => {
        const m = await timedGet(`${agent.url}/metrics`)
        return successOf(m.body, 'loadavg') === '1' ? m.body : undefined
      },
      10_000,
      'loadavg to succeed again',
    )
    expect(body).toMatch(/^node_load1 0\.25$/m)
    expect(body).toMatch(/^odin_collector_workers_stuck 0$/m)
    expect(body).toMatch(/^odin_collector_workers_abandoned_total 1$/m)
    expect((await agent.stop('SIGTERM')).code).toBe(0)
  }, 40_000)

  it('five FIFOs: four threads abandoned, the fifth kept at the bound; /healthz answers and SIGTERM exits within 2 s', async () => {
    const { root, proc } = procWithFifo(join(hostA, 'proc'), 'loadavg')
    for (const name of ['meminfo', 'stat', join('1', 'mountinfo'), 'diskstats']) {
      unlinkSync(join(proc, name))
      expect(spawnSync('mkfifo', [join(proc, name)]).status).toBe(0)
    }
    const agent = await startOnProc(root, proc, ['--collector.timeout=1s'])
    const body = await waitFor(
      async () => {
        expect((await timedGet(`${agent.url}/healthz`)).status).toBe(200)
        const m = await timedGet(`${agent.url}/metrics`)
        return /^odin_collector_workers_abandoned_total 4$/m.test(m.body) && /bound of abandoned workers is reached/.test(agent.logs()) ? m.body : undefined
      },
      20_000,
      'four abandoned workers and the bound',
    )
    expect(body).toMatch(/^odin_collector_workers_stuck 4$/m)
    // The fifth stuck thread is kept: collectors fail at their deadlines, the server answers.
    await new Promise((r) => setTimeout(r, 2500))
    const later = await timedGet(`${agent.url}/metrics`)
    expect(later.body).toMatch(/^odin_collector_workers_abandoned_total 4$/m)
    expect(successOf(later.body, 'uname')).toBe('0')
    expect(agent.logs().match(/bound of abandoned workers is reached/g)).toHaveLength(1)
    const { code, ms } = await agent.stop('SIGTERM')
    expect(code).toBe(0)
    expect(ms).toBeLessThan(2000)
  }, 60_000)

  it('a FIFO as one /proc/PID/cmdline: the process walk drops that process only, SIGTERM exits within 2 s', async () => {
    const { root, proc } = procWithFifo(procPids, join('100', 'cmdline'))
    const agent = await startOnProc(root, proc, ['--collector.disable-defaults', '--collector.namedprocess', '--collector.loadavg', '--collector.timeout=2s'])
    const body = await untilStuckProcessLeftOut(agent.url, 'odin_collector_workers_abandoned_total')
    expect(agent.logs()).toMatch(/collector worker abandoned and replaced" path=\S*100\/cmdline/)
    const { code, ms } = await agent.stop('SIGTERM')
    expect(code).toBe(0)
    expect(ms).toBeLessThan(2000)
  }, 40_000)
})

// The same reproductions with default flags (no --sampler.worker): the collectors run on the
// serving thread, which refuses files that are not regular and reads cmdline and sensor
// files on a native helper thread with a deadline (src/platform/safe-reads.ts). Before, the
// FIFO as loadavg stopped /healthz, /metrics and SIGTERM (checked against b09831c's build).
async function startDefault(root: string, proc: string, extra: string[]): Promise<RunningAgent> {
  const agent = await startAgent([
    `--path.procfs=${proc}`,
    `--path.sysfs=${hostA}/sys`,
    `--path.rootfs=${hostA}/root`,
    `--data-dir=${join(root, 'data')}`,
    ...extra,
    '--sampler.interval=1s',
  ])
  agents.push(agent)
  return agent
}

describe('a read blocked in the kernel, default flags (collectors on the serving thread)', () => {
  it('a FIFO as loadavg: refused at open; /metrics and /healthz answer, loadavg fails, the rest succeed, SIGTERM exits within 2 s', async () => {
    const { root, proc } = procWithFifo(join(hostA, 'proc'), 'loadavg')
    const agent = await startDefault(root, proc, ['--collector.timeout=2s'])
    const body = await untilLoadavgFails(agent.url)
    expect(body).not.toMatch(/^odin_collector_workers_/m)
    expect(body).toMatch(/^odin_read_threads_abandoned_total 0$/m)
    // HELP and TYPE as declared (the agent's own families, src/platform/safe-reads.ts).
    for (const d of READ_THREAD_FAMILIES) {
      expect(body).toContain(`# HELP ${d.name} ${d.help}\n# TYPE ${d.name} ${d.type}\n`)
    }
    expect(agent.logs()).toMatch(/loadavg is not a regular file/)
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 700))
      expect((await timedGet(`${agent.url}/healthz`)).ms).toBeLessThan(1000)
    }
    const { code, ms } = await agent.stop('SIGTERM')
    expect(code).toBe(0)
    expect(ms).toBeLessThan(2000)
  }, 40_000)

  it('a FIFO as one /proc/PID/cmdline: the helper thread is abandoned at its deadline, the walk drops that process only, and it is reaped when the read returns', async () => {
    const { root, proc, fifo } = procWithFifo(procPids, join('100', 'cmdline'))
    const agent = await startDefault(root, proc, ['--collector.disable-defaults', '--collector.namedprocess', '--collector.loadavg', '--collector.timeout=2s'])
    const body = await untilStuckProcessLeftOut(agent.url, 'odin_read_threads_abandoned_total')
    expect(body).toMatch(/^odin_read_threads_stuck 1$/m)
    expect(agent.logs()).toMatch(/helper thread abandoned" path=\S*100\/cmdline/)
    // Ticks go on: the stuck path is refused at once, not waited for again.
    await new Promise((r) => setTimeout(r, 2500))
    const later = await timedGet(`${agent.url}/metrics`)
    expect(later.ms).toBeLessThan(1000)
    expect(later.body).toMatch(/^odin_read_threads_abandoned_total 1$/m)
    // The stuck thread is blocked opening the FIFO: open its other end, put a regular cmdline
    // in the FIFO's place, then close, so the stuck open and read return; the thread is
    // reaped and process 100 is read again.
    const writer = openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)
    writeFileSync(join(root, 'cmdline.new'), 'python3\0/srv/app.py\0')
    renameSync(join(root, 'cmdline.new'), fifo)
    closeSync(writer)
    const after = await waitFor(
      async () => {
        const m = await timedGet(`${agent.url}/metrics`)
        return /^odin_read_threads_stuck 0$/m.test(m.body) && /^namedprocess_namegroup_num_procs\{groupname="python3"\} 2$/m.test(m.body) ? m.body : undefined
      },
      10_000,
      'the helper thread to be reaped and process 100 read again',
    )
    expect(after).toMatch(/^odin_read_threads_abandoned_total 1$/m)
    expect(agent.logs()).toMatch(/stuck read returned; its helper thread exited" path=\S*100\/cmdline/)
    const { code, ms } = await agent.stop('SIGTERM')
    expect(code).toBe(0)
    expect(ms).toBeLessThan(2000)
  }, 40_000)
})
