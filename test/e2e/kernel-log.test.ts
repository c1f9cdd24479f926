import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOST_A, HOST_A_ARGS, ensureBinary, repoRoot, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'

const _fixture = HOST_A
const fixtureArgs = HOST_A_ARGS
// syslog(2) READ_ALL works for root (CAP_SYSLOG), or for anyone where dmesg_restrict is 0.
const canReadSyslog = spawnSync('dmesg', ['--raw'], { stdio: 'ignore' }).status === 0

describe.runIf(canReadSyslog)('the binary in a pod without /dev/kmsg', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odin-e2e-klog-'))
  let agent: RunningAgent

  beforeAll(async () => {
    await ensureBinary()
    // A fake nvidia-smi so that a GPU is known and the Xid collector reads the kernel log.
    const control = join(dir, 'control.json')
    const smi = join(dir, 'nvidia-smi')
    writeFileSync(control, JSON.stringify({ mode: 'replay', capture: join(repoRoot, 'test', 'fixtures', 'nvidia-smi', 'h100-sxm-2gpu.xml') }))
    writeFileSync(smi, `#!/bin/sh\nexec '${process.execPath}' '${join(repoRoot, 'test', 'bin', 'fake-nvidia-smi')}' --control '${control}' "$@"\n`, { mode: 0o755 })
    agent = await startAgent([
      ...fixtureArgs,
      '--sampler.interval=1s',
      `--collector.gpu.nvidia-smi-path=${smi}`,
      `--collector.gpu_xid.kmsg-path=${join(dir, 'no-kmsg')}`,
      `--data-dir=${join(dir, 'data')}`,
    ])
  }, 180_000)
  afterAll(async () => {
    await agent?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reads the ring buffer through syslog(2) instead: gpu_xid succeeds', async () => {
    const body = await waitFor(
      async () => {
        const text = await (await fetch(`${agent.url}/metrics`)).text()
        return /^DCGM_FI_DEV_XID_ERRORS\{/m.test(text) ? text : undefined
      },
      15_000,
      'the Xid collector to report',
    )
    expect(body).toMatch(/^node_scrape_collector_success\{collector="gpu_xid"\} 1$/m)
    expect(agent.logs()).toMatch(/kernel log read through syslog\(2\).*ENOENT/)
  }, 20_000)
})
