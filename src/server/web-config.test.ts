import { describe, expect, it } from 'vitest'
import { parseWebConfig } from './web-config.ts'

const HASH = '$2y$10$X0h1gDsPszWURQaxFh.zoubFi6DXncSjhoQNJgRrnGs7EsimhC7zG'

describe('parseWebConfig', () => {
  it("reads exporter-toolkit's format, paths relative to the file", () => {
    const c = parseWebConfig(
      [
        'tls_server_config:',
        '  cert_file: server.pem',
        '  key_file: /abs/server-key.pem',
        '  client_ca_file: ca.pem',
        '  min_version: TLS13',
        '  cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_AES_128_GCM_SHA256]',
        '  prefer_server_cipher_suites: true',
        'http_server_config:',
        '  http2: false',
        '  headers:',
        '    X-Frame-Options: deny',
        '    Strict-Transport-Security: max-age=31536000',
        'basic_auth_users:',
        `  prometheus: ${HASH}`,
      ].join('\n'),
      '/etc/odin/web.yml',
    )
    expect(c.tls).toEqual({
      certFile: '/etc/odin/server.pem',
      keyFile: '/abs/server-key.pem',
      cert: undefined,
      key: undefined,
      clientCaFile: '/etc/odin/ca.pem',
      clientCa: undefined,
      clientAuthType: 'RequireAndVerifyClientCert',
      minVersion: 'TLS13',
      maxVersion: 'TLS13',
      cipherSuites: ['ECDHE-RSA-AES128-GCM-SHA256'],
    })
    expect(c.http2).toBe(false)
    expect(c.headers).toEqual({ 'X-Frame-Options': 'deny', 'Strict-Transport-Security': 'max-age=31536000' })
    expect([...c.users]).toEqual([['prometheus', HASH]])
  })

  it.each([
    ['', undefined],
    ['{}', undefined],
    ['tls_server_config: {}', undefined],
    ['tls_server_config:\n  cert_file: a\n  key_file: b', 'TLS12'],
  ])('%j: TLS off, or on with min_version TLS12 by default', (text, min) => {
    const c = parseWebConfig(text, '/w.yml')
    expect(c.tls?.minVersion).toBe(min)
    expect(c.users.size).toBe(0)
    expect(c.http2).toBe(true)
  })

  it.each([
    ['nope: 1', /^--web\.config\.file: \/w\.yml: nope: unknown key/],
    ['tls_config:\n  cert_file: a', /: tls_config: unknown key/],
    ['- a\n- b', /\/w\.yml: must be a mapping$/],
    ['tls_server_config: [1]', /tls_server_config: must be a mapping/],
    ['tls_server_config:\n  key_file: k', /tls_server_config\.cert_file: missing/],
    ['tls_server_config:\n  cert_file: c', /tls_server_config\.key_file: missing/],
    ['tls_server_config:\n  cert_file: c\n  cert: x\n  key_file: k', /tls_server_config\.cert: cert and cert_file are exclusive/],
    ['tls_server_config:\n  cert_file: c\n  key_file: k\n  min_version: TLS9', /tls_server_config\.min_version: invalid value "TLS9" \(accepted: TLS10, TLS11, TLS12, TLS13\)/],
    ['tls_server_config:\n  cert_file: c\n  key_file: k\n  min_version: TLS13\n  max_version: TLS12', /min_version: TLS13 is above max_version TLS12/],
    ['tls_server_config:\n  cert_file: c\n  key_file: k\n  cipher_suites: [TLS_FOO]', /cipher_suites: unknown cipher suite "TLS_FOO"/],
    ['tls_server_config:\n  cert_file: c\n  key_file: k\n  cipher_suites: TLS_FOO', /cipher_suites: must be a list of strings/],
    ['tls_server_config:\n  cert_file: c\n  key_file: k\n  curve_preferences: [X25519]', /curve_preferences: not supported by this runtime/],
    [
      'tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: ca',
      /client_auth_type: VerifyClientCertIfGiven is not supported/,
    ],
    ['tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: RequireAnyClientCert', /client_auth_type: RequireAnyClientCert is not supported/],
    ['tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: Maybe', /client_auth_type: invalid value "Maybe"/],
    ['tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: RequireAndVerifyClientCert', /client_ca_file: missing/],
    ['tls_server_config:\n  cert_file: c\n  key_file: k\n  client_allowed_sans: [a]', /client_allowed_sans: not supported/],
    ['tls_server_config:\n  cert_file: [c]\n  key_file: k', /tls_server_config\.cert_file: must be a string/],
    ['tls_server_config:\n  cert_file: c\n  key_file: k\n  prefer_server_cipher_suites: maybe', /prefer_server_cipher_suites: must be true or false/],
    ['http_server_config:\n  http2: yes please', /http_server_config\.http2: must be true or false/],
    ['http_server_config:\n  headers:\n    Server: odin', /http_server_config\.headers\.Server: unknown key/],
    ['http_server_config:\n  headers:\n    X-Frame-Options: allow-from x', /headers\.X-Frame-Options: invalid value "allow-from x" \(accepted: deny, sameorigin\)/],
    ['http_server_config:\n  headers:\n    X-Content-Type-Options: ""', /X-Content-Type-Options: must be a non-empty string/],
    ['basic_auth_users:\n  alice: hunter2', /basic_auth_users\.alice: not a bcrypt hash/],
    ['basic_auth_users:\n  alice: 12', /basic_auth_users\.alice: not a bcrypt hash/],
    ['basic_auth_users: [alice]', /basic_auth_users: must be a mapping/],
    [`basic_auth_users:\n  "a:b": ${HASH}`, /basic_auth_users\.a:b: a user name cannot contain ":"/],
    ['basic_auth_users:\n  alice: x\n  alice: y', /not valid YAML/],
    ['tls_server_config: {cert_file: c', /not valid YAML/],
    ['rate_limit:\n  interval: 1s', /rate_limit: unknown key/],
  ])('%j fails with one line naming the key', (text, message) => {
    let error: unknown
    try {
      parseWebConfig(text, '/w.yml')
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(Error)
    const msg = (error as Error).message
    expect(msg).toMatch(message)
    expect(msg).not.toContain('\n')
    expect(msg).not.toContain('hunter2')
  })
})
