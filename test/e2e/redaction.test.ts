import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBinary, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'

const hasBash = spawnSync('bash', ['--version'], { stdio: 'ignore' }).status === 0
const SECRETS = ['dashsecret88', 'hunter2', 'ssw0rd', 's.vaulttoken123']

describe.runIf(hasBash)('the binary never shows a secret from a live command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odin-e2e-redact-'))
  let victim: ChildProcess
  let agent: RunningAgent

  beforeAll(async () => {
    await ensureBinary()
    // A process named like a miner (a finding, so a log line) whose argv carries secrets in
    // the shapes that used to leak.
    victim = spawn(
      'bash',
      ['-c', `exec -a xmrig bash -c 'sleep 120; true' --password -dashsecret88 --pw=hunter2 https://user:p@ssw0rd@db.example.com 'X-Vault-Token: s.vaulttoken123'`],
      { stdio: 'ignore', detached: true },
    )
    // A process-exporter config capturing the value after --password into the group name.
    const config = join(dir, 'pe.yml')
    writeFileSync(
      config,
      `process_names:
  - name: "pw{{.Matches.pw}}"
    cmdline: ['--password (?P<pw>\\S+)']
`,
    )
    agent = await startAgent(['--sampler.interval=1s', `--collector.namedprocess.config=${config}`, `--data-dir=${join(dir, 'data')}`])
  }, 180_000)
  afterAll(async () => {
    if (victim?.pid !== undefined) {
      process.kill(-victim.pid, 'SIGKILL') // bash and its sleep
    }
    await agent?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('redacts the captured group name and the security-finding log line', async () => {
    const body = await waitFor(
      async () => {
        const text = await (await fetch(`${agent.url}/metrics`)).text()
        return /namedprocess_namegroup_num_procs\{groupname="pw/.test(text) ? text : undefined
      },
      20_000,
      'the captured group',
    )
    expect(body).toMatch(/namedprocess_namegroup_num_procs\{groupname="pw\*\*\*"\}/)
    const line = await waitFor(
      async () =>
        agent
          .logs()
          .split('\n')
          .find((l) => l.includes('security finding') && l.includes(` pid=${victim.pid} `)),
      20_000,
      'the finding logged',
    )
    const cmdline = /cmdline="((?:[^"\\]|\\.)*)"/.exec(line)?.[1]
    expect(cmdline).toMatch(/^xmrig -c sleep 120; true --password \*\*\* --pw=\*\*\* https:\/\/user:\*\*\*@db.example.com X-Vault-Token: \*\*\*$/)
    for (const secret of SECRETS) {
      expect(body).not.toContain(secret)
      expect(agent.logs()).not.toContain(secret)
    }
  }, 45_000)
})
