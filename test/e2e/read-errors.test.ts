import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBinary, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'

const permission = async (url: string): Promise<number> => {
  const text = await (await fetch(`${url}/metrics`)).text()
  return Number(/^odin_process_read_errors_total\{reason="permission"\} (\d+)/m.exec(text)?.[1] ?? Number.NaN)
}

// The root agent on the live /proc. Where some process denies it a file (a non-dumpable
// daemon without CAP_SYS_PTRACE, another user namespace's init: this test host's PID 1
// denies `io`, `exe`, `cwd` and `ns/net`), the denial used to be counted again on every tick
// that process ran (+1 a tick here). Counted once per process and file, the counter only moves
// when a new process is denied, which a few seconds on a quiet host do not see. On a host
// where nothing is denied the test holds trivially.
describe.runIf(process.platform === 'linux')('the binary on the live /proc', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odin-e2e-readerr-'))
  let agent: RunningAgent

  beforeAll(async () => {
    await ensureBinary()
    agent = await startAgent(['--sampler.interval=500ms', `--data-dir=${join(dir, 'data')}`])
  }, 180_000)
  afterAll(async () => {
    await agent?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('does not count the same permission denial on every tick', async () => {
    const first = await waitFor(
      async () => {
        const n = await permission(agent.url)
        return Number.isFinite(n) ? n : undefined
      },
      10_000,
      'the read-error counter',
    )
    await new Promise((r) => setTimeout(r, 5_000)) // ten more ticks
    expect((await permission(agent.url)) - first).toBeLessThan(3)
  }, 20_000)
})
