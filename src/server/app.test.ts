import { gunzipSync } from 'node:zlib'
import bcrypt from 'bcryptjs'
import { describe, expect, it } from 'vitest'
import { createAgent } from '../agent.ts'
import { parseAgentArgs } from '../config/config.ts'
import type { CollectorEntry } from '../collectors/types.ts'
import { entryOf } from '../../test/helpers/collect.ts'
import { silentLogger } from '../log/logger.ts'
import { Families } from '../metrics/families.ts'
import { NoDataError } from '../collectors/types.ts'
import type { Detector } from '../detectors/types.ts'
import type { StatusDoc } from './status-model.ts'
import { BasicAuth } from './basic-auth.ts'

const good = entryOf(
  'good',
  async () => {
    const f = new Families()
    f.gauge('node_good', 'A good gauge.', 42, { device: 'x' })
    return f.list()
  },
  'always works',
)
const broken = entryOf(
  'broken',
  async () => {
    throw new Error('disk on fire')
  },
  'always fails',
)

function agentWith(collectors: CollectorEntry[], args: string[] = [], web?: Parameters<typeof createAgent>[0]['web'], detectors: Detector[] = []) {
  const { config } = parseAgentArgs(['--collector.timeout=500ms', ...args], collectors)
  return createAgent({ config, collectors, detectors, log: silentLogger, version: { version: '1.2.3', revision: 'abc', runtime: 'test' }, web })
}

/** Doubles node_good into odin_doubled (read through the view), or fails. */
const doubler: Detector = {
  name: 'doubler',
  detect(view) {
    const f = new Families()
    f.gauge('odin_doubled', 'odin-agent: node_good twice.', 2 * (view.family('node_good')?.samples[0]?.value ?? 0))
    return f.list()
  },
}
const failing: Detector = {
  name: 'failing',
  detect: () => {
    throw new Error('model on fire')
  },
}
/** Stands for the threat scan: a collector-list entry that reports as the detector `threats`. */
const threatScan = entryOf(
  'detector.threats',
  async () => {
    throw new Error('allowlist gone')
  },
  '',
)

describe('HTTP app', () => {
  it('/ready is 503 with a reason until the first sample, then 200', async () => {
    const agent = agentWith([good])
    const before = await agent.app.request('/ready')
    expect(before.status).toBe(503)
    expect(await before.text()).toMatch(/first sample/)
    await agent.sampler.tick()
    expect((await agent.app.request('/ready')).status).toBe(200)
  })

  it('/healthz answers while the event loop lives', async () => {
    expect((await agentWith([good]).app.request('/healthz')).status).toBe(200)
  })

  it('/metrics serves the snapshot with the registry content type; a broken collector costs only its own series', async () => {
    const agent = agentWith([good, broken])
    await agent.sampler.tick()
    const res = await agent.app.request('/metrics')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe(agent.registry.contentType)
    const body = await res.text()
    expect(body).toContain('node_good{device="x"} 42')
    expect(body).toContain('node_scrape_collector_success{collector="good"} 1')
    expect(body).toContain('node_scrape_collector_success{collector="broken"} 0')
    expect(body).toContain('odin_agent_build_info{version="1.2.3",revision="abc",runtime="test"} 1')
    expect(body).toMatch(/^process_resident_memory_bytes \d+/m)
    expect(body).toMatch(/^process_open_fds \d+/m)
  })

  it('/metrics honours --web.telemetry-path', async () => {
    const agent = agentWith([good], ['--web.telemetry-path=/m'])
    await agent.sampler.tick()
    expect((await agent.app.request('/m')).status).toBe(200)
    expect((await agent.app.request('/metrics')).status).toBe(404)
  })

  it('/health reports per collector last success, last error and duration', async () => {
    const agent = agentWith([good, broken])
    await agent.sampler.tick()
    const health = (await (await agent.app.request('/health')).json()) as {
      status: string
      collectors: Record<string, { success: boolean; last_success: string | null; last_error: string | null; duration_seconds: number }>
    }
    expect(health.status).toBe('ready')
    expect(health.collectors.good).toMatchObject({ success: true, last_error: null })
    expect(health.collectors.good?.last_success).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(health.collectors.broken).toMatchObject({ success: false, last_success: null, last_error: 'disk on fire' })
  })

  it('one snapshot: detectors run in the tick, their families and odin_detector_* are in /metrics, and /health and the status page show each detector', async () => {
    const agent = agentWith([good, threatScan], [], undefined, [doubler, failing])
    await agent.sampler.tick()
    const snapshot = agent.sampler.latest()
    const metrics = await (await agent.app.request('/metrics')).text()
    expect(metrics).toContain('odin_doubled 84')
    expect(metrics).toMatch(/^odin_detector_success\{detector="doubler"\} 1$/m)
    expect(metrics).toMatch(/^odin_detector_success\{detector="failing"\} 0$/m)
    expect(metrics).toMatch(/^odin_detector_success\{detector="threats"\} 0$/m)
    expect(metrics).toMatch(/^odin_detector_duration_seconds\{detector="doubler"\} /m)
    expect(metrics).toContain('# HELP odin_detector_success odin-agent: Whether a detector succeeded.')
    // The threat scan is a detector, not a collector.
    expect(metrics).not.toContain('collector="detector.threats"')
    for (const name of ['odin_doubled', 'odin_detector_success', 'odin_detector_duration_seconds']) {
      expect(metrics.split('\n').filter((l) => l.startsWith(`# HELP ${name} `))).toHaveLength(1)
    }
    // /metrics serves exactly the published snapshot's families.
    expect(snapshot?.families.some((f) => f.name === 'odin_doubled')).toBe(true)

    const health = (await (await agent.app.request('/health')).json()) as {
      collectors: Record<string, unknown>
      detectors: Record<string, { success: boolean; last_success: string | null; last_error: string | null; duration_seconds: number }>
    }
    expect(Object.keys(health.collectors)).toEqual(['good'])
    expect(health.detectors.doubler).toMatchObject({ success: true, last_error: null })
    expect(health.detectors.doubler?.last_success).toMatch(/^\d{4}-\d\d-\d\dT/)
    expect(health.detectors.failing).toMatchObject({ success: false, last_success: null, last_error: 'model on fire' })
    expect(health.detectors.threats).toMatchObject({ success: false, last_success: null, last_error: 'allowlist gone' })

    const doc = (await (await agent.app.request('/status.json')).json()) as StatusDoc
    expect(doc.detectors.map((d) => [d.name, d.state, d.error])).toEqual([
      ['doubler', 'ok', ''],
      ['failing', 'failing', 'model on fire'],
      ['threats', 'failing', 'allowlist gone'],
    ])
    expect(doc.detectors[0]?.lastSuccessAgeSeconds).toBe(0)
    expect(doc.collectors.map((c) => c.name)).toEqual(['good'])
  })

  it('answers 503 at once beyond --web.max-requests responses in flight, slow readers included', async () => {
    const agent = agentWith([good], ['--web.max-requests=2'])
    await agent.sampler.tick()
    // Two scrapes whose bodies nobody reads yet: slow readers hold their slots.
    const slow = [await agent.app.request('/metrics'), await agent.app.request('/metrics')]
    expect(slow.map((r) => r.status)).toEqual([200, 200])
    const t0 = performance.now()
    const third = await agent.app.request('/metrics')
    expect(third.status).toBe(503)
    expect(await third.text()).toMatch(/limit 2/)
    expect(performance.now() - t0).toBeLessThan(1000)
    // Probes are not scrapes: they never wait on the limit.
    expect((await agent.app.request('/healthz')).status).toBe(200)
    // One reader finishes: its slot comes back.
    expect(await slow[0]?.text()).toContain('node_good')
    expect((await agent.app.request('/metrics')).status).toBe(200)
    // A reader that goes away (cancels the body) gives its slot back too.
    await slow[1]?.body?.cancel()
    const again = await agent.app.request('/metrics')
    expect(again.status).toBe(200)
  })

  it('--web.max-requests=0 is no limit', async () => {
    const agent = agentWith([good], ['--web.max-requests=0'])
    await agent.sampler.tick()
    const held = await Promise.all(Array.from({ length: 50 }, () => agent.app.request('/metrics')))
    expect(held.every((r) => r.status === 200)).toBe(true)
  })

  it('the status page is a static shell; status.json carries collector state, failing apart from absent', async () => {
    const evil = entryOf('evil', async () => {
      throw new Error('<script>alert(1)</script>')
    })
    const absent = entryOf('absent', async () => {
      throw new NoDataError('no /sys/class/nothing')
    })
    const agent = agentWith([good, evil, absent])
    await agent.sampler.tick()
    const html = await (await agent.app.request('/')).text()
    expect(html).toContain('<h1>odin-agent</h1>')
    expect(html).not.toContain('alert(1)')
    const res = await agent.app.request('/status.json')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as StatusDoc
    const state = Object.fromEntries(doc.collectors.map((c) => [c.name, c.state]))
    expect(state).toMatchObject({ good: 'ok', evil: 'failing', absent: 'absent' })
    expect(doc.collectors.find((c) => c.name === 'evil')?.error).toBe('<script>alert(1)</script>')
  })

  it('/ready turns 503 with the reason when sampling stalls for three intervals, and back to 200 when it resumes', async () => {
    let clock = 1_000_000
    const { config } = parseAgentArgs(['--collector.timeout=500ms', '--sampler.interval=1s'], [good])
    const agent = createAgent({ config, collectors: [good], log: silentLogger, version: { version: '1', revision: 'r', runtime: 't' }, now: () => clock })
    await agent.sampler.tick()
    expect((await agent.app.request('/ready')).status).toBe(200)
    clock += 2_900
    expect((await agent.app.request('/ready')).status).toBe(200)
    clock += 200
    const stale = await agent.app.request('/ready')
    expect(stale.status).toBe(503)
    expect(await stale.text()).toMatch(/latest sample is 3\.1 s old \(limit 3\.0 s\)/)
    expect(((await (await agent.app.request('/health')).json()) as { status: string }).status).toBe('stale')
    await agent.sampler.tick()
    expect((await agent.app.request('/ready')).status).toBe(200)
  })

  it('/metrics is gzip when the client accepts it, with the compressed length; identity otherwise', async () => {
    const agent = agentWith([good])
    await agent.sampler.tick()
    const plain = await agent.app.request('/metrics')
    const text = await plain.text()
    expect(plain.headers.get('content-encoding')).toBeNull()
    expect(plain.headers.get('content-length')).toBe(String(Buffer.byteLength(text)))
    expect(plain.headers.get('vary')).toBe('Accept-Encoding')
    const zipped = await agent.app.request('/metrics', { headers: { 'Accept-Encoding': 'gzip' } })
    expect(zipped.headers.get('content-encoding')).toBe('gzip')
    const bytes = Buffer.from(await zipped.arrayBuffer())
    expect(zipped.headers.get('content-length')).toBe(String(bytes.length))
    expect(gunzipSync(bytes).toString('utf8')).toBe(text)
    const refused = await agent.app.request('/metrics', { headers: { 'Accept-Encoding': 'gzip;q=0, br' } })
    expect(refused.headers.get('content-encoding')).toBeNull()
  })

  it('HEAD /metrics answers the length a GET would send, with no body', async () => {
    const agent = agentWith([good], ['--web.max-requests=1'])
    await agent.sampler.tick()
    const get = await agent.app.request('/metrics')
    const length = (await get.arrayBuffer()).byteLength
    const head = await agent.app.request('/metrics', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(length))
    expect(head.body).toBeNull()
    // HEAD holds no slot: with a limit of 1 the next GET is still served.
    expect((await agent.app.request('/metrics')).status).toBe(200)
  })

  it('with basic auth: /metrics, /health and the status page need the password; /healthz and /ready stay open', async () => {
    const auth = new BasicAuth((pw, h) => bcrypt.compare(pw, h))
    auth.setUsers(new Map([['prometheus', bcrypt.hashSync('pw', 4)]]))
    const agent = agentWith([good], [], { auth, headers: () => ({ 'X-Content-Type-Options': 'nosniff' }) })
    await agent.sampler.tick()
    const basic = (p: string) => ({ headers: { Authorization: `Basic ${Buffer.from(`prometheus:${p}`).toString('base64')}` } })
    for (const path of ['/metrics', '/health', '/']) {
      const denied = await agent.app.request(path)
      expect(denied.status).toBe(401)
      expect(denied.headers.get('www-authenticate')).toBe('Basic')
      expect(denied.headers.get('x-content-type-options')).toBe('nosniff')
      expect((await agent.app.request(path, basic('wrong'))).status).toBe(401)
      expect((await agent.app.request(path, basic('pw'))).status).toBe(200)
    }
    for (const path of ['/healthz', '/ready']) {
      const open = await agent.app.request(path)
      expect(open.status).toBe(200)
      expect(open.headers.get('x-content-type-options')).toBe('nosniff')
    }
    // A path nobody registered yet is closed too (deny by default), then 404.
    expect((await agent.app.request('/anything')).status).toBe(401)
  })
})
