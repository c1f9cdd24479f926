import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { connect, createServer } from 'node:net'
import type { Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOST_A, HOST_A_ARGS, binaryPath, ensureBinary, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'

const _fixture = HOST_A
const fixtureArgs = HOST_A_ARGS

/** One request on a raw socket, the whole answer back as text (the server closes: HTTP/1.0). */
async function rawRequest(port: number, request: string): Promise<{ head: string; body: Buffer }> {
  const socket = connect(port, '127.0.0.1')
  await once(socket, 'connect')
  const chunks: Buffer[] = []
  socket.on('data', (d: Buffer) => chunks.push(d))
  const closed = once(socket, 'close')
  socket.write(request)
  await closed
  const all = Buffer.concat(chunks)
  const end = all.indexOf('\r\n\r\n')
  return { head: all.subarray(0, end).toString('latin1'), body: all.subarray(end + 4) }
}

beforeAll(async () => {
  await ensureBinary()
}, 180_000)

describe('the HTTP surface of the compiled agent', () => {
  let agent: RunningAgent

  beforeAll(async () => {
    // One sample for the whole file: every scrape below sees the same snapshot.
    agent = await startAgent([...fixtureArgs, '--sampler.interval=1h', `--data-dir=${mkdtempSync(join(tmpdir(), 'odin-http-'))}`])
    await waitFor(async () => (await fetch(`${agent.url}/ready`)).ok, 10_000, '/ready')
  })
  afterAll(async () => {
    await agent?.stop()
  })

  it.each(['/metrics', '/healthz'])("HTTP/1.0 without a Host header (HAProxy's health check) gets 200 on %s", async (path) => {
    const { head, body } = await rawRequest(agent.port, `GET ${path} HTTP/1.0\r\n\r\n`)
    expect(head).toMatch(/^HTTP\/1\.[01] 200/)
    expect(body.toString()).toMatch(path === '/metrics' ? /^# HELP /m : /^ok$/m)
  })

  it('HEAD /metrics answers the length that GET sends', async () => {
    const get = Buffer.from(await (await fetch(`${agent.url}/metrics`, { headers: { 'Accept-Encoding': 'identity' } })).arrayBuffer())
    const head = await rawRequest(agent.port, 'HEAD /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    expect(head.head).toMatch(/^HTTP\/1\.1 200/)
    expect(head.head).toMatch(new RegExp(`^content-length: ${get.length}$`, 'im'))
    expect(get.length).toBeGreaterThan(10_000)
    expect(head.body.length).toBe(0)
  })

  it('gzip when the client accepts it: the same text, several times smaller', async () => {
    const plain = await rawRequest(agent.port, 'GET /metrics HTTP/1.0\r\n\r\n')
    const zipped = await rawRequest(agent.port, 'GET /metrics HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n')
    expect(zipped.head).toMatch(/^content-encoding: gzip$/im)
    expect(plain.head).not.toMatch(/content-encoding/i)
    expect(gunzipSync(zipped.body).toString()).toBe(plain.body.toString())
    expect(zipped.body.length * 4).toBeLessThan(plain.body.length)
    const head = await rawRequest(agent.port, 'HEAD /metrics HTTP/1.0\r\nAccept-Encoding: gzip\r\n\r\n')
    expect(head.head).toMatch(new RegExp(`^content-length: ${zipped.body.length}$`, 'im'))
  })
})

describe('process behaviour of the compiled agent', () => {
  let occupied: Server
  let busyPort = 0

  beforeAll(async () => {
    occupied = createServer()
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve))
    busyPort = (occupied.address() as { port: number }).port
  })
  afterAll(() => {
    occupied?.close()
  })

  it.each([
    ['a port in use', () => `127.0.0.1:${busyPort}`, /^odin-agent: --web.listen-address: cannot listen on 127\.0\.0\.1:\d+: address already in use\n$/],
    ['a host that does not resolve', () => 'no-such-host.invalid:9405', /^odin-agent: --web.listen-address: cannot listen on no-such-host\.invalid:9405: host not found\n$/],
    ['an address this host does not have', () => '192.0.2.1:9405', /^odin-agent: --web.listen-address: cannot listen on 192\.0\.2\.1:9405: address not available on this host\n$/],
    ['a port out of range', () => ':70000', /^odin-agent: --web.listen-address: invalid value ":70000"/],
    ['a bracketed IPv4', () => '[127.0.0.1]:9405', /^odin-agent: --web.listen-address: invalid value/],
    ['a host with a space', () => 'a b:9405', /^odin-agent: --web.listen-address: invalid value/],
  ])('%s exits 2 with one line, no stack trace', (_what, address, message) => {
    const r = spawnSync(binaryPath, [...fixtureArgs, `--web.listen-address=${address()}`, `--data-dir=${mkdtempSync(join(tmpdir(), 'odin-bad-'))}`], {
      encoding: 'utf8',
      timeout: 15_000,
    })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  it.each(['SIGUSR1', 'SIGUSR2', 'SIGQUIT'] as const)('%s shuts down as SIGTERM does: exit 0 and the anomaly model saved', async (signal) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'odin-sig-'))
    const agent = await startAgent([...fixtureArgs, '--sampler.interval=200ms', `--data-dir=${dataDir}`])
    await waitFor(async () => (await fetch(`${agent.url}/ready`)).ok, 10_000, '/ready')
    await new Promise((r) => setTimeout(r, 600))
    const { code, ms } = await agent.stop(signal)
    expect(code).toBe(0)
    expect(ms).toBeLessThan(2500)
    expect(agent.logs()).toContain(`msg="shutting down" signal=${signal}`)
    expect(readdirSync(dataDir).filter((f) => f.endsWith('.model')).length).toBeGreaterThan(0)
  })

  it('SIGHUP does not kill the agent', async () => {
    const agent = await startAgent([...fixtureArgs, `--data-dir=${mkdtempSync(join(tmpdir(), 'odin-hup-'))}`])
    agent.child.kill('SIGHUP')
    await waitFor(async () => agent.logs().includes('SIGHUP'), 5000, 'the SIGHUP log line')
    expect(agent.child.exitCode).toBeNull()
    expect((await fetch(`${agent.url}/healthz`)).status).toBe(200)
    expect((await agent.stop()).code).toBe(0)
    expect(existsSync(binaryPath)).toBe(true)
  })
})
