import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBinary, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'

// `downloader | sh` for real: the left side holds a loopback TCP connection while it
// streams a (harmless) script into sh. The agent sees the shell's stdin pipe, finds the
// writer among its siblings, and the writer's socket. The agent is already running when
// the pipeline starts, and the reading side is a forked `sh -c` subshell for its first
// seconds before it execs `sh`: the same comm, so only argv moving in memory tells the
// scanner that it is now a shell reading its program from the pipe.
describe.runIf(process.platform === 'linux')('the binary sees a shell fed by a process with a network connection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odin-e2e-pipe-'))
  const held: Socket[] = []
  let server: Server
  let port = 0
  let pipeline: ChildProcess
  let agent: RunningAgent

  beforeAll(async () => {
    await ensureBinary()
    server = createServer((s) => held.push(s.on('error', () => {})))
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    port = (server.address() as { port: number }).port
    const writer = `const s = require('net').connect(${port}, '127.0.0.1', () => process.stdout.write('sleep 60\\n')); s.on('error', () => {})`
    agent = await startAgent(['--sampler.interval=1s', `--data-dir=${join(dir, 'data')}`])
    pipeline = spawn('sh', ['-c', `'${process.execPath}' -e "${writer}" | (sleep 2; exec sh)`], { stdio: 'ignore', detached: true })
  }, 180_000)
  afterAll(async () => {
    if (pipeline?.pid !== undefined) {
      process.kill(-pipeline.pid, 'SIGKILL')
    }
    held.forEach((s) => s.destroy())
    server?.close()
    await agent?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('logs network_pipe_to_interpreter for the sh, naming the writer and its peer', async () => {
    const line = await waitFor(
      async () =>
        agent
          .logs()
          .split('\n')
          .find((l) => l.includes('rule=network_pipe_to_interpreter') && l.includes(`127.0.0.1:${port}`)),
      20_000,
      'the finding',
    )
    expect(line).toMatch(/detail="stdin from node connected to 127\.0\.0\.1:\d+"/)
    expect(line).toMatch(/ comm=sh /)
  }, 30_000)
})
