import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { connect } from 'node:net'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOST_A, HOST_A_ARGS, binaryPath, ensureBinary, freePort, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'

const _fixture = HOST_A
const fixtureArgs = HOST_A_ARGS

beforeAll(async () => {
  await ensureBinary()
}, 180_000)

describe('odin-agent binary', () => {
  it('`version` prints the injected version and git revision', () => {
    const r = spawnSync(binaryPath, ['version'], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^odin-agent \d+\.\d+\.\d+ \(revision [0-9a-f]{7,}|unknown/)
  })

  it('--help lists every collector with its default', () => {
    const r = spawnSync(binaryPath, ['--help'], { encoding: 'utf8' })
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/--collector\.loadavg\n\s+.*\(default: enabled\)/)
    expect(r.stdout).toContain('--web.listen-address')
  })

  it.each([
    [['--no-such-flag'], /^odin-agent: unknown flag --no-such-flag/],
    [['--log.level=verbose'], /^odin-agent: --log.level: invalid value "verbose" \(accepted: debug, info, warn, error\)\n$/],
    [['--web.listen-address=nope'], /^odin-agent: --web.listen-address: invalid value "nope"/],
  ])('%j exits 2 with one line naming the flag', (args, message) => {
    const r = spawnSync(binaryPath, args, { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
  })

  it('`detect --jobs 2` scores a tree on worker threads with the same bytes as --jobs 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'odin-detect-e2e-'))
    try {
      mkdirSync(join(dir, 'in', 'sub'), { recursive: true })
      const series = (n: number, shift: number) =>
        `${['timestamp,value', ...Array.from({ length: n }, (_, i) => `${1_700_000_000 + 300 * i},${(Math.sin(i / 20) * 10 + (i === n - 50 ? shift : 0)).toFixed(3)}`)].join('\n')}\n`
      writeFileSync(join(dir, 'in', 'a.csv'), series(1500, 80))
      writeFileSync(join(dir, 'in', 'sub', 'b.csv'), series(900, -60))
      writeFileSync(join(dir, 'in', 'c.csv'), 'timestamp,value\n1700000000,oops\n')
      const run = (jobs: string, out: string) =>
        spawnSync(binaryPath, ['detect', '--input-dir', join(dir, 'in'), '--output-dir', join(dir, out), '--jobs', jobs], { encoding: 'utf8', timeout: 60_000 })
      const one = run('1', 'one')
      const two = run('2', 'two')
      expect(one.status).toBe(1)
      expect(two.status).toBe(1)
      expect(two.stderr).toBe(one.stderr)
      expect(two.stderr).toMatch(/c\.csv:2: value "oops"/)
      for (const rel of ['a.csv', join('sub', 'b.csv')]) {
        const body = readFileSync(join(dir, 'two', rel), 'utf8')
        expect(body).toBe(readFileSync(join(dir, 'one', rel), 'utf8'))
        expect(body.split('\n')[0]).toBe('timestamp,value,anomaly_score')
      }
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('`manifests` into a slow pipe prints every byte before exiting', async () => {
    const whole = spawnSync(binaryPath, ['manifests'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).stdout
    expect(whole.length).toBeGreaterThan(128 * 1024)
    // A reader that takes nothing for a while (kubectl starting up) leaves the pipe full
    // when the command is done; the process must wait for it rather than drop the rest.
    const child = spawn(binaryPath, ['manifests'], { stdio: ['ignore', 'pipe', 'inherit'] })
    child.stdout.pause()
    await new Promise((r) => setTimeout(r, 500))
    const chunks: Buffer[] = []
    child.stdout.on('data', (c: Buffer) => chunks.push(c))
    child.stdout.resume()
    const [code] = (await once(child, 'close')) as [number]
    expect(code).toBe(0)
    expect(Buffer.concat(chunks).toString('utf8')).toBe(whole)
  })
})

describe('odin-agent on a fixture host', () => {
  let agent: RunningAgent

  beforeAll(async () => {
    agent = await startAgent([...fixtureArgs, '--sampler.interval=1s', '--log.level=debug', `--data-dir=${mkdtempSync(join(tmpdir(), 'odin-e2e-'))}`])
    await waitFor(async () => (await fetch(`${agent.url}/ready`)).ok, 10_000, '/ready')
  })
  afterAll(async () => {
    await agent?.stop()
  })

  it('serves node_exporter-named samples read through the --path roots', async () => {
    const res = await fetch(`${agent.url}/metrics`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
    const body = await res.text()
    expect(body).toMatch(/^node_load1 \d/m)
    expect(body).toMatch(/^node_cpu_seconds_total\{cpu="0",mode="idle"\} \d/m)
    expect(body).toMatch(/^node_memory_MemTotal_bytes \d/m)
    expect(body).toMatch(/^node_scrape_collector_success\{collector="loadavg"\} 1$/m)
    expect(body).toMatch(/^odin_agent_build_info\{version="[^"]+",revision="[^"]+",runtime="bun [^"]+"\} 1$/m)
    expect(body).toMatch(/^process_resident_memory_bytes \d+$/m)
  })

  it('runs with its runtime settings, re-executed in place: same PID, started once', () => {
    const environ = readFileSync(`/proc/${agent.child.pid}/environ`, 'utf8').split('\0')
    expect(environ).toContain('BUN_GC_TIMER_DISABLE=1')
    expect(environ).toContain('BUN_JSC_heapGrowthMaxIncrease=1.1')
    expect(environ).toContain('BUN_JSC_useWarmUpMarkedBlocks=0')
    expect(environ).toContain('BUN_JSC_useConcurrentJIT=0')
    expect(environ).toContain('BUN_JSC_useConcurrentGC=0')
    expect(environ).toContain('BUN_JSC_numberOfGCMarkers=1')
    expect(agent.logs()).toContain('msg="runtime settings" outcome="runtime settings present"')
    expect(agent.logs().match(/msg="starting odin-agent"/g)).toHaveLength(1)
  })

  it('/health is JSON with per-collector and per-detector state, as /metrics reports them', async () => {
    const health = (await (await fetch(`${agent.url}/health`)).json()) as {
      status: string
      collectors: Record<string, unknown>
      detectors: Record<string, { success: boolean; last_success: string | null; duration_seconds: number }>
    }
    expect(health.status).toBe('ready')
    expect(Object.keys(health.collectors)).toContain('loadavg')
    expect(Object.keys(health.collectors)).not.toContain('detector.threats')
    expect(Object.keys(health.detectors).sort()).toEqual(['anomaly', 'disk_fill', 'pod_anomaly', 'threats'])
    for (const d of Object.values(health.detectors)) {
      expect(d.success).toBe(true)
      expect(d.last_success).toMatch(/^\d{4}-\d\d-\d\dT/)
    }
    const body = await (await fetch(`${agent.url}/metrics`)).text()
    for (const name of ['anomaly', 'disk_fill', 'pod_anomaly', 'threats']) {
      expect(body).toMatch(new RegExp(`^odin_detector_success\\{detector="${name}"\\} 1$`, 'm'))
      expect(body).toMatch(new RegExp(`^odin_detector_duration_seconds\\{detector="${name}"\\} [\\d.e-]+$`, 'm'))
    }
  })
})

describe('a real Prometheus scraping the binary', () => {
  let agent: RunningAgent
  let prom: ReturnType<typeof spawn> | undefined
  let promUrl = ''
  const dir = mkdtempSync(join(tmpdir(), 'odin-prom-'))
  const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0

  beforeAll(async () => {
    if (!hasPrometheus) {
      return
    }
    agent = await startAgent([...fixtureArgs, '--sampler.interval=1s', `--data-dir=${dir}`])
    const promPort = await freePort()
    promUrl = `http://127.0.0.1:${promPort}`
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: odin\n    static_configs:\n      - targets: ['127.0.0.1:${agent.port}']\n`,
    )
    prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], {
      stdio: 'ignore',
    })
  }, 60_000)

  afterAll(async () => {
    prom?.kill('SIGKILL')
    await agent?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  const query = async (q: string) => {
    const res = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`)
    const json = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] } }
    return json.data.result
  }

  it.runIf(hasPrometheus)(
    'reports up == 1 and rate(node_cpu_seconds_total[5s]) returns series',
    async () => {
      const up = await waitFor(
        async () => {
          const r = await query('up{job="odin"}')
          return r[0]?.value[1] === '1' ? r : undefined
        },
        30_000,
        'up == 1',
      )
      expect(up).toHaveLength(1)
      const rate = await waitFor(
        async () => {
          const r = await query('rate(node_cpu_seconds_total[5s])')
          return r.length > 0 ? r : undefined
        },
        30_000,
        'rate() series',
      )
      expect(rate.length).toBeGreaterThan(0)
      expect(rate[0]?.metric).toHaveProperty('mode')
    },
    90_000,
  )

  it.runIf(!hasPrometheus)('needs Debian prometheus (apt-get install -y prometheus); .ci/run installs it', () => {
    throw new Error('prometheus is not installed: this end-to-end check cannot run')
  })
})

describe('shutdown', () => {
  it('SIGTERM answers the in-flight scrape and exits 0 within 2 s', async () => {
    const agent = await startAgent([...fixtureArgs, '--sampler.interval=1s', `--data-dir=${mkdtempSync(join(tmpdir(), 'odin-stop-'))}`])
    await waitFor(async () => (await fetch(`${agent.url}/ready`)).ok, 10_000, '/ready')
    // A raw connection with the request already written: the scrape is in flight when
    // the signal lands.
    const socket = connect(agent.port, '127.0.0.1')
    await once(socket, 'connect')
    let response = ''
    socket.on('data', (d: Buffer) => (response += d.toString()))
    const closed = once(socket, 'close')
    socket.write('GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    const stopped = agent.stop('SIGTERM')
    await closed
    expect(response).toMatch(/^HTTP\/1\.1 200/)
    expect(response).toContain('node_load1')
    const { code, ms } = await stopped
    expect(code).toBe(0)
    expect(ms).toBeLessThan(2000)
  })

  it('SIGINT stops it too', async () => {
    const agent = await startAgent([...fixtureArgs, `--data-dir=${mkdtempSync(join(tmpdir(), 'odin-int-'))}`])
    const { code, ms } = await agent.stop('SIGINT')
    expect(code).toBe(0)
    expect(ms).toBeLessThan(2000)
  })
})
