import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { connect, createServer } from 'node:tls'
import type { ConnectionOptions, Server } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { loadWebConfig, secureOptionsFor } from './web-tls.ts'
import type { TlsServeOptions } from './web-tls.ts'

const dir = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'tls')
const pem = (name: string) => readFileSync(join(dir, name), 'utf8')
const NOW = Date.parse('2026-01-01T00:00:00Z')

/** The config file is virtual: `files` plus the fixture certificates. */
function load(text: string, files: Record<string, string> = {}) {
  const all: Record<string, string> = { '/cfg/web.yml': text, ...files }
  return loadWebConfig('/cfg/web.yml', (p) => all[p] ?? readFileSync(p, 'utf8'), NOW)
}

const serverTls = `tls_server_config:\n  cert_file: ${dir}/server.pem\n  key_file: ${dir}/server-key.pem\n`

describe('loadWebConfig', () => {
  it('reads the certificate, key and client CA, and maps the policy to the listener options', () => {
    const loaded = load(`${serverTls}  client_ca_file: ${dir}/ca.pem\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n`)
    expect(loaded.tls).toMatchObject({
      cert: pem('server.pem'),
      key: pem('server-key.pem'),
      ca: pem('ca.pem'),
      requestCert: true,
      rejectUnauthorized: true,
      ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256',
    })
    expect(loaded.tls?.secureOptions).toBe(secureOptionsFor('TLS12', 'TLS13'))
    expect(loaded.tls?.http2).toBe(true)
    expect(load(`${serverTls}http_server_config:\n  http2: false\n`).tls?.http2).toBe(false)
    expect(loaded.warnings).toEqual([])
  })

  it('a changed file changes the fingerprint; the same content keeps it', () => {
    const a = load(serverTls)
    expect(load(serverTls).fingerprint).toBe(a.fingerprint)
    const rotated = `tls_server_config:\n  cert_file: ${dir}/server2.pem\n  key_file: ${dir}/server2-key.pem\n`
    expect(load(rotated).fingerprint).not.toBe(a.fingerprint)
    expect(load(`${serverTls}basic_auth_users: {}\n`).fingerprint).not.toBe(a.fingerprint)
  })

  it('an expired certificate is served (as exporter-toolkit does) with a warning', () => {
    const loaded = load(`tls_server_config:\n  cert_file: ${dir}/expired.pem\n  key_file: ${dir}/expired-key.pem\n`)
    expect(loaded.tls).toBeDefined()
    expect(loaded.warnings).toEqual([expect.stringMatching(/cert_file expired on 2002-01-01T00:00:00.000Z/)])
  })

  it.each([
    [`tls_server_config:\n  cert_file: /nonexistent.pem\n  key_file: ${dir}/server-key.pem\n`, /tls_server_config\.cert_file: cannot read \/nonexistent\.pem \(ENOENT\)$/],
    [`tls_server_config:\n  cert_file: ${dir}/server.pem\n  key_file: ${dir}/server2-key.pem\n`, /tls_server_config\.key_file: does not match the certificate of cert_file$/],
    [`tls_server_config:\n  cert_file: ${dir}/server-key.pem\n  key_file: ${dir}/server-key.pem\n`, /tls_server_config\.cert_file: no PEM certificate in it$/],
    [`tls_server_config:\n  cert_file: ${dir}/server.pem\n  key_file: ${dir}/server.pem\n`, /tls_server_config\.key_file: not a PEM private key/],
    [
      `tls_server_config:\n  cert: "-----BEGIN CERTIFICATE-----\\ngarbage\\n-----END CERTIFICATE-----"\n  key_file: ${dir}/server-key.pem\n`,
      /tls_server_config\.cert: no PEM certificate in it$/,
    ],
    [`${serverTls}  client_ca_file: ${dir}/server-key.pem\n`, /tls_server_config\.client_ca_file: no PEM certificate in it$/],
  ])('%#: a bad file is one line naming the key', (text, message) => {
    expect(() => load(text)).toThrowError(message)
  })

  it('a missing config file is one line', () => {
    expect(() => loadWebConfig('/nonexistent/web.yml', (p) => readFileSync(p, 'utf8'), NOW)).toThrowError(/^--web\.config\.file: cannot read \/nonexistent\/web\.yml \(ENOENT\)$/)
  })

  it.each([
    ['TLS10', 'TLS13', 0],
    ['TLS12', 'TLS13', 0x04000000 | 0x10000000],
    ['TLS13', 'TLS13', 0x04000000 | 0x10000000 | 0x08000000],
    ['TLS10', 'TLS12', 0x20000000],
  ] as const)('secureOptionsFor(%s, %s)', (min, max, bits) => {
    expect(secureOptionsFor(min, max)).toBe(bits)
  })
})

describe('the mapped options on a real TLS listener (node:tls takes the same names as Bun.serve)', () => {
  let server: Server | undefined
  afterEach(() => {
    server?.close()
    server = undefined
  })

  async function listen(options: TlsServeOptions): Promise<number> {
    server = createServer(options, (socket) => socket.end('hello\n'))
    server.on('tlsClientError', () => {})
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    return (server.address() as { port: number }).port
  }

  async function handshake(port: number, extra: ConnectionOptions = {}): Promise<string> {
    const socket = connect({ port, host: '127.0.0.1', ca: pem('ca.pem'), servername: 'localhost', ...extra })
    socket.on('error', () => {})
    return new Promise((resolve) => {
      let data = ''
      let protocol = ''
      socket.on('secureConnect', () => (protocol = socket.getProtocol() ?? ''))
      socket.on('data', (d: Buffer) => (data += d.toString()))
      socket.on('close', () => resolve(data === 'hello\n' ? `ok ${protocol}` : 'refused'))
    })
  }

  it('min_version TLS12 by default: TLS 1.1 refused, 1.2 and 1.3 served', async () => {
    const port = await listen(load(serverTls).tls as TlsServeOptions)
    expect(await handshake(port, { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' })).toBe('ok TLSv1.2')
    expect(await handshake(port)).toBe('ok TLSv1.3')
    expect(await handshake(port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' })).toBe('refused')
  })

  it('min_version TLS13 refuses a TLS 1.2 client', async () => {
    const port = await listen(load(`${serverTls}  min_version: TLS13\n`).tls as TlsServeOptions)
    expect(await handshake(port, { maxVersion: 'TLSv1.2' })).toBe('refused')
    expect(await handshake(port)).toBe('ok TLSv1.3')
  })

  it("RequireAndVerifyClientCert: no certificate and a rogue one refused, the CA's served", async () => {
    const port = await listen(load(`${serverTls}  client_ca_file: ${dir}/ca.pem\n`).tls as TlsServeOptions)
    expect(await handshake(port)).toBe('refused')
    expect(await handshake(port, { cert: pem('rogue-client.pem'), key: pem('rogue-client-key.pem') })).toBe('refused')
    expect(await handshake(port, { cert: pem('client.pem'), key: pem('client-key.pem') })).toBe('ok TLSv1.3')
  })

  it('cipher_suites limit TLS 1.2 to the named suites', async () => {
    const port = await listen(load(`${serverTls}  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n`).tls as TlsServeOptions)
    expect(await handshake(port, { ciphers: 'ECDHE-ECDSA-AES128-GCM-SHA256' })).toBe('refused')
    expect(await handshake(port, { ciphers: 'ECDHE-ECDSA-AES256-GCM-SHA384' })).toBe('ok TLSv1.2')
  })

  it('the client sees the expired certificate as expired', async () => {
    const port = await listen(load(`tls_server_config:\n  cert_file: ${dir}/expired.pem\n  key_file: ${dir}/expired-key.pem\n`).tls as TlsServeOptions)
    const socket = connect({ port, host: '127.0.0.1', ca: pem('ca.pem'), servername: 'localhost' })
    const [err] = (await once(socket, 'error')) as [NodeJS.ErrnoException]
    expect(err.code).toBe('CERT_HAS_EXPIRED')
  })
})
