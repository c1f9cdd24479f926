import { copyFileSync, mkdtempSync, readdirSync, readlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { createAgent } from '../../src/agent.ts'
import { createGpuCollector } from '../../src/collectors/gpu.ts'
import { createGpuXidCollector } from '../../src/collectors/gpu-xid.ts'
import { parseAgentArgs } from '../../src/config/config.ts'
import { silentLogger } from '../../src/log/logger.ts'
import { installFakeNvidiaSmi } from './fake-smi.ts'
import { childrenOf } from './proc-children.ts'

const REPO = join(import.meta.dirname, '..', '..')

/** Paths this process holds open, from /proc/self/fd. */
function openPaths(): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [readlinkSync(`/proc/self/fd/${fd}`)]
    } catch {
      return []
    }
  })
}

it('agent stop closes the gpu and gpu_xid collectors: the nvidia-smi in flight is killed and reaped, the kernel log closed', async () => {
  const fake = installFakeNvidiaSmi({ mode: 'hang' })
  const dir = mkdtempSync(join(tmpdir(), 'odin-close-'))
  const kmsg = join(dir, 'kmsg')
  copyFileSync(join(REPO, 'test/fixtures/kmsg/xid.kmsg'), kmsg)
  const entries = [createGpuCollector({ waitMs: 50 }), createGpuXidCollector()]
  const { config } = parseAgentArgs(
    [
      `--collector.gpu.nvidia-smi-path=${fake.path}`,
      '--collector.gpu.timeout=60s',
      `--collector.gpu_xid.kmsg-path=${kmsg}`,
      `--path.procfs=${join(REPO, 'test/fixtures/kmsg/proc')}`,
      `--data-dir=${dir}`,
    ],
    entries,
  )
  const agent = createAgent({ config, collectors: entries, log: silentLogger, version: { version: 't', revision: 't', runtime: 't' } })
  const before = new Set(childrenOf().map((c) => c.pid))
  await agent.sampler.tick()
  const smi = childrenOf().filter((c) => !before.has(c.pid) && c.state !== 'Z')
  expect(smi).toHaveLength(1) // nvidia-smi hangs past the 60 s deadline
  expect(openPaths()).toContain(kmsg)

  await agent.stop()
  const left = childrenOf().filter((c) => smi.some((s) => s.pid === c.pid))
  expect(left).toEqual([]) // killed and reaped
  expect(openPaths()).not.toContain(kmsg)
})
