import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOST_A, HOST_A_ARGS, ensureBinary, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'
import { MODEL_VERSION } from '../../src/detectors/anomaly/model-file.ts'

const _fixture = HOST_A
const fixtureArgs = HOST_A_ARGS

beforeAll(async () => {
  await ensureBinary()
}, 180_000)

/** A model file with a valid header and checksum whose payload inflates to `mb` MB of spaces. */
function writeBomb(path: string, mb: number): void {
  const r = spawnSync(process.execPath, [
    '-e',
    `
    const z = require('node:zlib'), c = require('node:crypto'), fs = require('node:fs')
    const body = z.deflateSync(Buffer.alloc(${mb} * 1024 * 1024, 0x20), { level: 9 })
    const sum = c.createHash('sha256').update(body).digest('hex')
    fs.writeFileSync(${JSON.stringify(path)}, Buffer.concat([Buffer.from('odin-anomaly-model ${MODEL_VERSION} sha256=' + sum + ' bytes=' + body.length + '\\n'), body]))
  `,
  ])
  expect(r.status).toBe(0)
}

function peakRss(pid: number): number {
  return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) * 1024
}

describe('the binary meets a hostile data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odin-e2e-models-'))
  let agent: RunningAgent

  beforeAll(async () => {
    // 200 MB behind a ~200 KB file, and a temp file left by a crash mid-save.
    writeBomb(join(dir, 'anomaly-host.model'), 200)
    writeFileSync(join(dir, 'anomaly-gpu.model.tmp-4242-deadbeef'), 'half a model')
    agent = await startAgent([...fixtureArgs, '--sampler.interval=1s', `--data-dir=${dir}`])
    await waitFor(async () => (await fetch(`${agent.url}/ready`)).ok, 10_000, '/ready')
  }, 30_000)
  afterAll(async () => {
    await agent?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('refuses the 200 MB inflate cheaply: peak RSS stays far below it', () => {
    expect(readFileSync(join(dir, 'anomaly-host.model.rejected')).length).toBeLessThan(300_000)
    expect(peakRss(agent.child.pid!)).toBeLessThan(160 * 1024 * 1024)
    expect(agent.logs()).toMatch(/anomaly model unusable, retraining.*inflates past/)
  })

  it('moves the bad file aside and removes the leftover temp file', () => {
    expect(existsSync(join(dir, 'anomaly-host.model'))).toBe(false)
    expect(readdirSync(dir).filter((n) => n.includes('.tmp-'))).toEqual([])
  })

  it('keeps serving /metrics', async () => {
    const res = await fetch(`${agent.url}/metrics`)
    expect(res.ok).toBe(true)
    expect(await res.text()).toContain('node_load1')
  })
})
