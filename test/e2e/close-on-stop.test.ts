import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOST_A, HOST_A_ARGS, alive, ensureBinary, startAgent, waitFor, writeHangingNvidiaSmi } from '../helpers/binary.ts'

const _fixture = HOST_A
const fixtureArgs = HOST_A_ARGS

/**
 * A wedged nvidia-smi in flight when the agent stops: a wrapper that ignores SIGTERM and
 * forks a child that does too, far from its 60 s deadline. The agent closes its collectors
 * on SIGTERM, so the gpu collector kills the whole group before the process exits; before,
 * nothing closed it and both outlived the agent.
 */
describe.each([
  ['on the main thread', []],
  ['on a collector worker thread', ['--sampler.worker']],
])('the binary, collectors %s, stopped with nvidia-smi in flight', (_where, extra) => {
  const dir = mkdtempSync(join(tmpdir(), 'odin-e2e-close-'))
  const log = join(dir, 'runs.log')

  beforeAll(async () => {
    await ensureBinary()
    const wrapper = writeHangingNvidiaSmi(dir, log, 1)
  }, 180_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('kills the run and its child before exiting', async () => {
    const agent = await startAgent([
      ...fixtureArgs,
      ...extra,
      '--sampler.interval=1s',
      `--collector.gpu.nvidia-smi-path=${join(dir, 'nvidia-smi')}`,
      '--collector.gpu.timeout=60s',
      `--data-dir=${dir}`,
    ])
    const pids = await waitFor(
      async () => {
        try {
          const line = readFileSync(log, 'utf8').trim().split('\n')[0]
          return line ? (line.split(' ').map(Number) as [number, number]) : undefined
        } catch {
          return undefined
        }
      },
      10_000,
      'nvidia-smi started',
    )
    expect(pids.every(alive)).toBe(true)
    const { code, ms } = await agent.stop('SIGTERM')
    expect(code).toBe(0)
    expect(ms).toBeLessThan(2000)
    await new Promise((r) => setTimeout(r, 100))
    expect(pids.filter(alive)).toEqual([])
  }, 30_000)
})
