import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOST_A, HOST_A_ARGS, alive, ensureBinary, startAgent, waitFor, writeHangingNvidiaSmi } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'

const _fixture = HOST_A
const fixtureArgs = HOST_A_ARGS

describe('the binary with a wrapper nvidia-smi that forks and hangs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odin-e2e-smi-'))
  const log = join(dir, 'runs.log')
  let agent: RunningAgent

  beforeAll(async () => {
    await ensureBinary()
    // Like a site wrapper around the real nvidia-smi: it forks two children that ignore
    // SIGTERM, logs "<wrapper pid> <child pid>", and waits.
    const wrapper = writeHangingNvidiaSmi(dir, log, 2)
    agent = await startAgent([...fixtureArgs, '--sampler.interval=1s', `--collector.gpu.nvidia-smi-path=${wrapper}`, '--collector.gpu.timeout=300ms', `--data-dir=${dir}`])
  }, 180_000)
  afterAll(async () => {
    await agent?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('kills every child of every timed-out run: no orphans left', async () => {
    const runs = (): Map<number, number[]> => {
      const m = new Map<number, number[]>()
      let text = ''
      try {
        text = readFileSync(log, 'utf8')
      } catch {
        return m
      }
      for (const line of text.trim().split('\n')) {
        const [wrapper, child] = line.split(' ').map(Number) as [number, number]
        m.set(wrapper, [...(m.get(wrapper) ?? []), child])
      }
      return m
    }
    // Runs whose wrapper is gone (killed at the deadline plus the grace period).
    const finished = await waitFor(
      async () => {
        const done = [...runs()].filter(([wrapper]) => !alive(wrapper))
        return done.length >= 3 ? done : undefined
      },
      15_000,
      'three nvidia-smi runs killed',
    )
    await new Promise((r) => setTimeout(r, 200))
    const orphans = finished.flatMap(([, children]) => children).filter(alive)
    expect(orphans).toEqual([])
    expect(await (await fetch(`${agent.url}/metrics`)).text()).toMatch(/^odin_gpu_up 0$/m)
  }, 30_000)
})
