import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect as connectHttp2 } from 'node:http2'
import { request } from 'node:https'
import type { TLSSocket } from 'node:tls'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import bcrypt from 'bcryptjs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOST_A, HOST_A_ARGS, binaryPath, ensureBinary, freePort, repoRoot, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'

const _fixture = HOST_A
const certs = join(repoRoot, 'test', 'fixtures', 'tls')
const fixtureArgs = HOST_A_ARGS
const PASSWORD = 's3cret-pw'
const HASH = bcrypt.hashSync(PASSWORD, 10)
const ca = readFileSync(join(certs, 'ca.pem'))

interface Answer {
  readonly status: number
  readonly body: string
  readonly serial: string
}

/** One HTTPS request on a fresh connection, trusting the test CA. */
function httpsGet(port: number, path: string, auth?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, ca, servername: 'localhost', agent: false, headers: auth ? { Authorization: `Basic ${Buffer.from(auth).toString('base64')}` } : {} },
      (res) => {
        const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber
        let body = ''
        res.on('data', (d: Buffer) => (body += d.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, serial }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

function webConfig(dir: string, extra = ''): string {
  const file = join(dir, 'web.yml')
  writeFileSync(
    file,
    `tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\nhttp_server_config:\n  headers:\n    X-Content-Type-Options: nosniff\nbasic_auth_users:\n  prometheus: ${HASH}\n${extra}`,
  )
  return file
}

function certDir(name = 'server'): string {
  const dir = mkdtempSync(join(tmpdir(), 'odin-web-'))
  copyFileSync(join(certs, `${name}.pem`), join(dir, 'server.pem'))
  copyFileSync(join(certs, `${name}-key.pem`), join(dir, 'server-key.pem'))
  return dir
}

const serialOf = (name: string) =>
  spawnSync('openssl', ['x509', '-in', join(certs, `${name}.pem`), '-noout', '-serial'], { encoding: 'utf8' })
    .stdout.trim()
    .replace(/^serial=/, '')

beforeAll(async () => {
  await ensureBinary()
}, 180_000)

describe('--web.config.file on the compiled agent', () => {
  let agent: RunningAgent
  let dir = ''
  let file = ''

  beforeAll(async () => {
    dir = certDir()
    file = webConfig(dir)
    agent = await startAgent([...fixtureArgs, '--sampler.interval=1s', `--web.config.file=${file}`, `--data-dir=${join(dir, 'data')}`])
    await waitFor(async () => (await httpsGet(agent.port, '/ready')).status === 200, 10_000, '/ready over TLS')
  })
  afterAll(async () => {
    await agent?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves /metrics over TLS to the right password only; /healthz and /ready stay open for probes', async () => {
    const ok = await httpsGet(agent.port, '/metrics', `prometheus:${PASSWORD}`)
    expect(ok.status).toBe(200)
    expect(ok.body).toMatch(/^node_load1 /m)
    for (const auth of [undefined, 'prometheus:wrong', `mallory:${PASSWORD}`]) {
      expect((await httpsGet(agent.port, '/metrics', auth)).status).toBe(401)
    }
    for (const path of ['/health', '/']) {
      expect((await httpsGet(agent.port, path)).status).toBe(401)
      expect((await httpsGet(agent.port, path, `prometheus:${PASSWORD}`)).status).toBe(200)
    }
    expect((await httpsGet(agent.port, '/healthz')).status).toBe(200)
    expect((await httpsGet(agent.port, '/ready')).status).toBe(200)
    expect(agent.logs()).toMatch(/msg="starting odin-agent" .*tls=true basic_auth=true/)
  })

  it('rotates the certificate without a restart: same process, new certificate, scrapes go on', async () => {
    const before = await httpsGet(agent.port, '/metrics', `prometheus:${PASSWORD}`)
    expect(before.serial).toBe(serialOf('server'))
    const pid = agent.child.pid
    copyFileSync(join(certs, 'server2.pem'), join(dir, 'server.pem'))
    copyFileSync(join(certs, 'server2-key.pem'), join(dir, 'server-key.pem'))
    const after = await waitFor(
      async () => {
        const a = await httpsGet(agent.port, '/metrics', `prometheus:${PASSWORD}`)
        return a.serial === serialOf('server2') ? a : undefined
      },
      10_000,
      'the rotated certificate',
    )
    expect(after.status).toBe(200)
    expect(agent.child.pid).toBe(pid)
    expect(agent.child.exitCode).toBeNull()
    expect(agent.logs()).toMatch(/msg="web config applied" .*tls_restarted=true/)
  })

  it('a bad rewrite keeps the last good config and logs it', async () => {
    writeFileSync(file, 'tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n  min_version: TLS9\n')
    await waitFor(async () => /web config not applied; keeping the last good one.*min_version/.test(agent.logs()), 10_000, 'the rejection log line')
    // Auth still in force: the bad file would have dropped basic_auth_users.
    expect((await httpsGet(agent.port, '/metrics')).status).toBe(401)
    expect((await httpsGet(agent.port, '/metrics', `prometheus:${PASSWORD}`)).status).toBe(200)
  })

  it('SIGHUP re-reads the file at once: a new password works, the old one (cached) does not', async () => {
    const next = 'n3w-password'
    writeFileSync(file, `tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\nbasic_auth_users:\n  prometheus: ${bcrypt.hashSync(next, 10)}\n`)
    agent.child.kill('SIGHUP')
    await waitFor(async () => (await httpsGet(agent.port, '/metrics', `prometheus:${next}`)).status === 200, 5000, 'the new password')
    expect((await httpsGet(agent.port, '/metrics', `prometheus:${PASSWORD}`)).status).toBe(401)
    expect(agent.logs()).toMatch(/msg="web config applied" .*trigger=SIGHUP/)
  })
})

describe('a bad --web.config.file at start', () => {
  it.each([
    [
      'tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n  min_version: TLS9\n',
      /^odin-agent: --web\.config\.file: \S+web\.yml: tls_server_config\.min_version: invalid value "TLS9"/,
    ],
    ['basic_auth_users:\n  prometheus: plaintext-password\n', /^odin-agent: --web\.config\.file: \S+: basic_auth_users\.prometheus: not a bcrypt hash/],
    [
      'tls_server_config:\n  cert_file: missing.pem\n  key_file: server-key.pem\n',
      /^odin-agent: --web\.config\.file: \S+: tls_server_config\.cert_file: cannot read \S+missing\.pem \(ENOENT\)/,
    ],
    ['tls_config:\n  cert_file: server.pem\n', /^odin-agent: --web\.config\.file: \S+: tls_config: unknown key/],
  ])('%j exits 2 with one line naming the key', (text, message) => {
    const dir = certDir()
    try {
      writeFileSync(join(dir, 'web.yml'), text)
      const r = spawnSync(binaryPath, [...fixtureArgs, '--web.listen-address=127.0.0.1:0', `--web.config.file=${join(dir, 'web.yml')}`, `--data-dir=${join(dir, 'data')}`], {
        encoding: 'utf8',
        timeout: 15_000,
      })
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).not.toContain('plaintext-password')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('a real Prometheus scraping the agent over TLS with basic auth', () => {
  const hasPrometheus = spawnSync('prometheus', ['--version']).status === 0
  const dir = mkdtempSync(join(tmpdir(), 'odin-prom-tls-'))
  let good: RunningAgent
  let expired: RunningAgent
  let prom: ReturnType<typeof spawn> | undefined
  let promUrl = ''

  beforeAll(async () => {
    if (!hasPrometheus) {
      return
    }
    const goodDir = certDir()
    const expiredDir = certDir('expired')
    good = await startAgent([...fixtureArgs, '--sampler.interval=1s', `--web.config.file=${webConfig(goodDir)}`, `--data-dir=${join(goodDir, 'data')}`])
    expired = await startAgent([...fixtureArgs, '--sampler.interval=1s', `--web.config.file=${webConfig(expiredDir)}`, `--data-dir=${join(expiredDir, 'data')}`])
    const promPort = await freePort()
    promUrl = `http://127.0.0.1:${promPort}`
    const job = (name: string, port: number, password: string) =>
      [
        `  - job_name: ${name}`,
        '    scheme: https',
        '    tls_config:',
        `      ca_file: ${join(certs, 'ca.pem')}`,
        '    basic_auth:',
        '      username: prometheus',
        `      password: ${password}`,
        '    static_configs:',
        `      - targets: ['127.0.0.1:${port}']`,
      ].join('\n')
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  scrape_timeout: 1s',
        'scrape_configs:',
        job('odin-tls', good.port, PASSWORD),
        job('odin-wrong-password', good.port, 'wrong'),
        job('odin-expired', expired.port, PASSWORD),
        '',
      ].join('\n'),
    )
    prom = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], {
      stdio: 'ignore',
    })
  }, 60_000)

  afterAll(async () => {
    prom?.kill('SIGKILL')
    await good?.stop()
    await expired?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  interface Target {
    labels: { job: string }
    health: string
    lastError: string
  }
  const targets = async (): Promise<Target[]> => {
    const res = await fetch(`${promUrl}/api/v1/targets`)
    return ((await res.json()) as { data: { activeTargets: Target[] } }).data.activeTargets
  }

  it.runIf(hasPrometheus)(
    'the right password scrapes (up 1); a wrong password and an expired certificate are down with the reason',
    async () => {
      const all = await waitFor(
        async () => {
          const t = await targets()
          return t.length === 3 && t.every((x) => x.health !== 'unknown') ? t : undefined
        },
        30_000,
        'three scraped targets',
      )
      const byJob = Object.fromEntries(all.map((t) => [t.labels.job, t]))
      expect(byJob['odin-tls']).toMatchObject({ health: 'up', lastError: '' })
      expect(byJob['odin-wrong-password']?.health).toBe('down')
      expect(byJob['odin-wrong-password']?.lastError).toMatch(/401 Unauthorized/)
      expect(byJob['odin-expired']?.health).toBe('down')
      expect(byJob['odin-expired']?.lastError).toMatch(/certificate has expired/)
      const up = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent('node_load1{job="odin-tls"}')}`)
      expect(((await up.json()) as { data: { result: unknown[] } }).data.result).toHaveLength(1)
    },
    60_000,
  )

  it.runIf(!hasPrometheus)('needs Debian prometheus (apt-get install -y prometheus)', () => {
    throw new Error('prometheus is not installed: this end-to-end check cannot run')
  })
})

describe('the TLS policy as Bun serves it (the mapping is unit-tested under node:tls; this is the binary)', () => {
  const pem = (name: string) => readFileSync(join(certs, name))
  async function serving(tlsLines: string): Promise<{ agent: RunningAgent; dir: string }> {
    const dir = certDir()
    writeFileSync(join(dir, 'web.yml'), `tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n${tlsLines}`)
    const agent = await startAgent([...fixtureArgs, '--sampler.interval=1h', `--web.config.file=${join(dir, 'web.yml')}`, `--data-dir=${join(dir, 'data')}`])
    return { agent, dir }
  }
  /** 'ok' when /healthz answers 200 over a handshake with these client options, else 'refused'. */
  function probe(port: number, extra: Record<string, unknown> = {}): Promise<string> {
    return new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/healthz', ca, servername: 'localhost', agent: false, ...extra }, (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode === 200 ? 'ok' : `HTTP ${res.statusCode}`))
      })
      req.on('error', () => resolve('refused'))
      req.end()
    })
  }

  it("RequireAndVerifyClientCert (a client CA, no policy): no certificate and a rogue one refused, the CA's served", async () => {
    const { agent, dir } = await serving(`  client_ca_file: ${join(certs, 'ca.pem')}\n`)
    try {
      expect(await probe(agent.port)).toBe('refused')
      expect(await probe(agent.port, { cert: pem('rogue-client.pem'), key: pem('rogue-client-key.pem') })).toBe('refused')
      expect(await probe(agent.port, { cert: pem('client.pem'), key: pem('client-key.pem') })).toBe('ok')
    } finally {
      await agent.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('min_version TLS13 refuses TLS 1.2; cipher_suites bind TLS 1.2 to the named suite', async () => {
    const a = await serving('  min_version: TLS13\n')
    const b = await serving('  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n')
    try {
      expect(await probe(a.agent.port, { maxVersion: 'TLSv1.2' })).toBe('refused')
      expect(await probe(a.agent.port)).toBe('ok')
      expect(await probe(b.agent.port, { ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' })).toBe('refused')
      expect(await probe(b.agent.port, { ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' })).toBe('ok')
      expect(await probe(b.agent.port, { minVersion: 'TLSv1.3' })).toBe('refused')
    } finally {
      await a.agent.stop()
      await b.agent.stop()
      rmSync(a.dir, { recursive: true, force: true })
      rmSync(b.dir, { recursive: true, force: true })
    }
  })

  it('HTTP/2 by ALPN as exporter-toolkit offers it (http2: true by default), HTTP/1.1 only with http2: false', async () => {
    const h2 = (port: number) =>
      new Promise<string>((resolve) => {
        const session = connectHttp2(`https://localhost:${port}`, { ca })
        session.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`))
        const req = session.request({ ':path': '/healthz' })
        req.on('error', () => {})
        req.on('response', (headers) => {
          req.resume()
          req.on('end', () => {
            session.close()
            resolve(`h2 ${String(headers[':status'])}`)
          })
        })
      })
    const on = await serving('')
    const off = await serving('http_server_config:\n  http2: false\n')
    try {
      expect(await h2(on.agent.port)).toBe('h2 200')
      expect(await h2(off.agent.port)).toMatch(/^error /)
      expect(await probe(off.agent.port)).toBe('ok')
    } finally {
      await on.agent.stop()
      await off.agent.stop()
      rmSync(on.dir, { recursive: true, force: true })
      rmSync(off.dir, { recursive: true, force: true })
    }
  })
})
