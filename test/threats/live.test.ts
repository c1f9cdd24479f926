/**
 * Live: the real agent pieces (sampler, namedprocess, threats, registry, HTTP app) over the
 * real /proc, with harmless processes that look like threats. Everything is on loopback
 * and every process is killed in afterAll.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { copyFileSync, chmodSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAgent } from '../../src/agent.ts'
import type { Agent } from '../../src/agent.ts'
import { namedprocessCollector } from '../../src/collectors/namedprocess.ts'
import { threatsCollector } from '../../src/collectors/threats.ts'
import { parseAgentArgs } from '../../src/config/config.ts'
import { createLogger } from '../../src/log/logger.ts'
import type { Snapshot } from '../../src/sampler/snapshot.ts'

const INTERVAL_MS = 500
const POOL_PORTS = [3333, 3334, 3335, 3336, 14444, 14433]
const linux = process.platform === 'linux'

const children: ChildProcess[] = []
const servers: Server[] = []
const sockets: Socket[] = []
const logLines: string[] = []
const snapshots: Snapshot[] = []
let dir = ''
let agent: Agent | undefined

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((s) => sockets.push(s.on('error', () => {})))
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

async function poolListener(): Promise<{ server: Server; port: number }> {
  for (const port of POOL_PORTS) {
    try {
      const server = await listen(port)
      servers.push(server)
      return { server, port }
    } catch {
      // port taken on this host: try the next pool port
    }
  }
  throw new Error(`none of the pool ports ${POOL_PORTS.join(', ')} is free on 127.0.0.1`)
}

const until = async (what: string, ok: () => boolean, ms = 15_000) => {
  const deadline = Date.now() + ms
  while (!ok()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}`)
    }
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** Processes the rule fires for in this snapshot (other processes on the host may count too). */
function active(s: Snapshot, rule: string): number {
  return s.families.find((f) => f.name === 'odin_security_active_threats')?.samples.find((x) => x.labels.rule === rule)?.value ?? 0
}

const latestSeq = () => snapshots.at(-1)?.seq ?? 0

/** Waits for the first snapshot after `fromSeq` where `ok` holds; returns its seq. */
async function firstSnapshot(what: string, fromSeq: number, ok: (s: Snapshot) => boolean): Promise<number> {
  let found: number | undefined
  await until(what, () => {
    found = snapshots.find((s) => s.seq > fromSeq && ok(s))?.seq
    return found !== undefined
  })
  return found as number
}

function track(child: ChildProcess): ChildProcess {
  children.push(child)
  child.on('error', () => {})
  return child
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())))
}

describe.runIf(linux)('threat detection on the live host', () => {
  beforeAll(async () => {
    dir = mkdtempSync('/tmp/odin-live-')
    const collectors = [namedprocessCollector, threatsCollector]
    const { config } = parseAgentArgs([`--sampler.interval=${INTERVAL_MS}ms`, '--log.format=json', '--web.listen-address=127.0.0.1:0'], collectors)
    const log = createLogger({ level: 'info', format: 'json', write: (l) => logLines.push(l) })
    agent = createAgent({ config, collectors, log, version: { version: 'test', revision: 'test', runtime: 'node' } })
    agent.sampler.onSnapshot((s) => snapshots.push(s))
    agent.start()
    await until('first snapshot', () => snapshots.length > 0)
  })

  afterAll(async () => {
    for (const c of children) {
      c.kill('SIGKILL')
    }
    await Promise.all(children.map(exited))
    for (const s of sockets) {
      s.destroy()
    }
    for (const s of servers) {
      s.close()
    }
    await agent?.stop()
    if (dir) {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('sees a miner-named script on a pool port, bash -i on a TCP socket and a deleted /tmp binary within two intervals, and clears them after exit', async () => {
    const rules = ['miner_known_binary', 'miner_pool_connection', 'shell_stdio_socket', 'deleted_executable']
    // What the rest of the host contributes (this sandbox's own tooling may hold shells on sockets).
    const baseSnapshot = snapshots.at(-1) as Snapshot
    const base = Object.fromEntries(rules.map((r) => [r, active(baseSnapshot, r)]))

    // 1. A script named like a miner, with a secret in its arguments, holding a connection to a pool port.
    const pool = await poolListener()
    const connected = new Promise<void>((resolve) => pool.server.once('connection', () => resolve()))
    const miner = join(dir, 'xmrig')
    writeFileSync(miner, `#!/bin/bash\nexec 3<>/dev/tcp/127.0.0.1/${pool.port}\nread -t 600 <&3\n`)
    chmodSync(miner, 0o755)
    const minerChild = track(spawn(miner, ['--donate-level', '1', '--password=hunter2'], { stdio: 'ignore' }))

    // 2. bash -i whose stdin and stdout are a TCP connection to a local listener.
    const shellServer = await listen(0)
    servers.push(shellServer)
    const address = shellServer.address()
    const port = typeof address === 'object' && address ? address.port : 0
    const client = await new Promise<Socket>((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(s))
      s.once('error', reject)
    })
    sockets.push(client)
    const shellChild = track(spawn('/bin/bash', ['-i'], { stdio: [client, client, 'ignore'] }))

    // 3. A copy of sleep started from /tmp, then deleted.
    const copy = join(dir, 'x')
    copyFileSync('/bin/sleep', copy)
    chmodSync(copy, 0o755)
    const sleeper = track(spawn(copy, ['600'], { stdio: 'ignore' }))
    await new Promise((r) => setTimeout(r, 100))
    unlinkSync(copy)

    await connected
    const start = latestSeq()
    const seen: Record<string, number> = {}
    for (const rule of rules) {
      seen[rule] = await firstSnapshot(rule, start, (s) => active(s, rule) > (base[rule] as number))
    }
    console.log(
      `live: findings seen ${JSON.stringify(Object.fromEntries(rules.map((r) => [r, (seen[r] as number) - start])))} ticks after the processes were ready (interval ${INTERVAL_MS} ms)`,
    )
    for (const rule of rules) {
      expect((seen[rule] as number) - start, rule).toBeLessThanOrEqual(2)
    }

    const metrics = await (await agent!.app.request('/metrics')).text()
    expect(metrics).toMatch(/odin_security_active_threats\{category="crypto_miners",severity="high",rule="miner_pool_connection"\} [1-9]/)
    expect(metrics).toMatch(/odin_security_active_threats\{category="reverse_shells",severity="critical",rule="shell_stdio_socket"\} [1-9]/)
    expect(metrics).toMatch(/odin_security_findings_total\{category="defense_evasion",severity="high",rule="deleted_executable"\} [1-9]/)
    expect(metrics).toMatch(/namedprocess_namegroup_num_procs\{groupname="xmrig"\} 1/)
    const health = await (await agent!.app.request('/health')).text()
    const findings = logLines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.msg === 'security finding')
    const pool1 = findings.find((r) => r.rule === 'miner_pool_connection' && r.pid === minerChild.pid)
    expect(pool1).toMatchObject({ category: 'crypto_miners', severity: 'high', comm: 'xmrig', detail: `remote 127.0.0.1:${pool.port}` })
    expect(String(pool1?.cmdline)).toContain('--password=***')
    for (const [where, text] of [
      ['/metrics', metrics],
      ['/health', health],
      ['logs', logLines.join('\n')],
    ]) {
      expect(text, where).not.toContain('hunter2')
    }

    // Exit: every finding clears within two intervals of the processes being gone (the
    // gauge drops back to what the rest of the host contributed before they started).
    for (const c of [minerChild, shellChild, sleeper]) {
      c.kill('SIGKILL')
    }
    await Promise.all([minerChild, shellChild, sleeper].map(exited))
    const gone = latestSeq()
    for (const rule of rules) {
      const cleared = await firstSnapshot(`${rule} cleared`, gone, (s) => active(s, rule) <= (base[rule] as number))
      expect(cleared - gone, `${rule} cleared`).toBeLessThanOrEqual(2)
    }
  })
})
