import { dirname, isAbsolute, join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { FlagError } from '../config/flag-spec.ts'

/**
 * exporter-toolkit's --web.config.file (docs/web-configuration.md), parsed strictly as it
 * is there (an unknown key is an error), and limited to what Bun's TLS can honour: what it
 * cannot is refused by name rather than silently ignored.
 */
export type ClientAuthType = 'NoClientCert' | 'RequestClientCert' | 'RequireAnyClientCert' | 'VerifyClientCertIfGiven' | 'RequireAndVerifyClientCert'
export type TlsVersion = 'TLS10' | 'TLS11' | 'TLS12' | 'TLS13'

export const TLS_VERSIONS: readonly TlsVersion[] = ['TLS10', 'TLS11', 'TLS12', 'TLS13']

export interface TlsServerConfig {
  /** Paths resolved against the config file's directory, as exporter-toolkit does. */
  readonly certFile?: string
  readonly keyFile?: string
  readonly cert?: string
  readonly key?: string
  readonly clientCaFile?: string
  readonly clientCa?: string
  readonly clientAuthType: ClientAuthType
  readonly minVersion: TlsVersion
  readonly maxVersion: TlsVersion
  /** OpenSSL names of the TLS 1.2 suites, in the order given; empty = the runtime's default. */
  readonly cipherSuites: readonly string[]
}

export interface WebConfig {
  readonly tls?: TlsServerConfig
  readonly http2: boolean
  readonly headers: Readonly<Record<string, string>>
  /** User name to bcrypt hash. Empty: no authentication. */
  readonly users: ReadonlyMap<string, string>
}

/** Go's crypto/tls suite names (what exporter-toolkit accepts) to OpenSSL's (what Bun takes). */
const CIPHER_SUITES: Readonly<Record<string, string>> = {
  TLS_RSA_WITH_3DES_EDE_CBC_SHA: 'DES-CBC3-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_CBC_SHA256: 'AES128-SHA256',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA: 'ECDHE-RSA-DES-CBC3-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256: 'ECDHE-ECDSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256: 'ECDHE-RSA-AES128-SHA256',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
}
/** TLS 1.3 suites: Go lists them but never lets them be configured; accepted and ignored. */
const TLS13_SUITES = new Set(['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256'])

const CLIENT_AUTH_TYPES: readonly ClientAuthType[] = ['NoClientCert', 'RequestClientCert', 'RequireAnyClientCert', 'VerifyClientCertIfGiven', 'RequireAndVerifyClientCert']
/** What Bun's TLS (requestCert + rejectUnauthorized) can express. */
const SUPPORTED_CLIENT_AUTH: ReadonlySet<ClientAuthType> = new Set(['NoClientCert', 'RequestClientCert', 'RequireAndVerifyClientCert'])

/** exporter-toolkit's allowed headers, with the values it allows where it restricts them. */
const HEADERS: Readonly<Record<string, readonly string[] | null>> = {
  'Strict-Transport-Security': null,
  'X-Content-Type-Options': ['nosniff'],
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-XSS-Protection': null,
  'Content-Security-Policy': null,
}

const BCRYPT = /^\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}$/

type Obj = Record<string, unknown>

class At {
  constructor(
    private readonly file: string,
    private readonly path: string,
  ) {}
  child(key: string): At {
    return new At(this.file, this.path ? `${this.path}.${key}` : key)
  }
  fail(message: string): FlagError {
    return new FlagError(`--web.config.file: ${this.file}: ${this.path ? `${this.path}: ` : ''}${message}`)
  }
}

function object(value: unknown, at: At, keys: readonly string[]): Obj {
  if (value === null || value === undefined) {
    return {}
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw at.fail('must be a mapping')
  }
  for (const key of Object.keys(value)) {
    if (!keys.includes(key)) {
      throw at.child(key).fail(`unknown key (accepted here: ${keys.join(', ')})`)
    }
  }
  return value as Obj
}

function str(o: Obj, key: string, at: At): string | undefined {
  const v = o[key]
  if (v === undefined || v === null || v === '') {
    return undefined
  }
  if (typeof v !== 'string') {
    throw at.child(key).fail('must be a string')
  }
  return v
}

function list(o: Obj, key: string, at: At): string[] {
  const v = o[key]
  if (v === undefined || v === null) {
    return []
  }
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw at.child(key).fail('must be a list of strings')
  }
  return v as string[]
}

function oneOf<T extends string>(o: Obj, key: string, at: At, values: readonly T[], fallback: T): T {
  const v = str(o, key, at)
  if (v === undefined) {
    return fallback
  }
  if (!values.includes(v as T)) {
    throw at.child(key).fail(`invalid value ${JSON.stringify(v)} (accepted: ${values.join(', ')})`)
  }
  return v as T
}

function parseTls(value: unknown, at: At, dir: string): TlsServerConfig | undefined {
  const o = object(value, at, [
    'cert_file',
    'key_file',
    'cert',
    'key',
    'client_ca_file',
    'client_ca',
    'client_auth_type',
    'client_allowed_sans',
    'min_version',
    'max_version',
    'cipher_suites',
    'prefer_server_cipher_suites',
    'curve_preferences',
  ])
  if (Object.keys(o).length === 0) {
    return undefined
  }
  const path = (key: string) => {
    const p = str(o, key, at)
    return p === undefined ? undefined : isAbsolute(p) ? p : join(dir, p)
  }
  const certFile = path('cert_file')
  const keyFile = path('key_file')
  const cert = str(o, 'cert', at)
  const key = str(o, 'key', at)
  if (certFile && cert) {
    throw at.child('cert').fail('cert and cert_file are exclusive')
  }
  if (keyFile && key) {
    throw at.child('key').fail('key and key_file are exclusive')
  }
  if (!certFile && !cert) {
    throw at.child('cert_file').fail('missing (cert_file or cert is required with tls_server_config)')
  }
  if (!keyFile && !key) {
    throw at.child('key_file').fail('missing (key_file or key is required with tls_server_config)')
  }
  const clientCaFile = path('client_ca_file')
  const clientCa = str(o, 'client_ca', at)
  if (clientCaFile && clientCa) {
    throw at.child('client_ca').fail('client_ca and client_ca_file are exclusive')
  }
  const hasCa = Boolean(clientCaFile || clientCa)
  // exporter-toolkit: a client CA with no policy means RequireAndVerifyClientCert.
  const clientAuthType = oneOf(o, 'client_auth_type', at, CLIENT_AUTH_TYPES, hasCa ? 'RequireAndVerifyClientCert' : 'NoClientCert')
  if (!SUPPORTED_CLIENT_AUTH.has(clientAuthType)) {
    throw at
      .child('client_auth_type')
      .fail(
        `${clientAuthType} is not supported by this runtime (Bun's TLS either verifies a client certificate against client_ca_file or does not; accepted: ${[...SUPPORTED_CLIENT_AUTH].join(', ')})`,
      )
  }
  if (clientAuthType === 'RequireAndVerifyClientCert' && !hasCa) {
    throw at.child('client_ca_file').fail('missing (RequireAndVerifyClientCert needs client_ca_file or client_ca)')
  }
  if (list(o, 'client_allowed_sans', at).length > 0) {
    throw at.child('client_allowed_sans').fail('not supported by this runtime (Bun does not hand the client certificate to the request); remove it')
  }
  if (list(o, 'curve_preferences', at).length > 0) {
    throw at.child('curve_preferences').fail("not supported by this runtime (Bun's TLS has no curve setting; it offers X25519, P-256 and P-384); remove it")
  }
  const pref = o.prefer_server_cipher_suites
  if (pref !== undefined && pref !== null && typeof pref !== 'boolean') {
    throw at.child('prefer_server_cipher_suites').fail('must be true or false')
  }
  const minVersion = oneOf(o, 'min_version', at, TLS_VERSIONS, 'TLS12')
  const maxVersion = oneOf(o, 'max_version', at, TLS_VERSIONS, 'TLS13')
  if (TLS_VERSIONS.indexOf(minVersion) > TLS_VERSIONS.indexOf(maxVersion)) {
    throw at.child('min_version').fail(`${minVersion} is above max_version ${maxVersion}`)
  }
  const cipherSuites: string[] = []
  for (const name of list(o, 'cipher_suites', at)) {
    const openssl = CIPHER_SUITES[name]
    if (openssl) {
      cipherSuites.push(openssl)
    } else if (!TLS13_SUITES.has(name)) {
      throw at.child('cipher_suites').fail(`unknown cipher suite ${JSON.stringify(name)} (accepted: Go's crypto/tls names such as TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)`)
    }
  }
  return { certFile, keyFile, cert, key, clientCaFile, clientCa, clientAuthType, minVersion, maxVersion, cipherSuites }
}

function parseHttp(value: unknown, at: At): { http2: boolean; headers: Record<string, string> } {
  const o = object(value, at, ['http2', 'headers'])
  const http2 = o.http2 ?? true
  if (typeof http2 !== 'boolean') {
    throw at.child('http2').fail('must be true or false')
  }
  const headers: Record<string, string> = {}
  const hat = at.child('headers')
  for (const [name, v] of Object.entries(object(o.headers, hat, Object.keys(HEADERS)))) {
    if (typeof v !== 'string' || v === '') {
      throw hat.child(name).fail('must be a non-empty string')
    }
    const allowed = HEADERS[name]
    if (allowed && !allowed.includes(v.toLowerCase())) {
      throw hat.child(name).fail(`invalid value ${JSON.stringify(v)} (accepted: ${allowed.join(', ')})`)
    }
    headers[name] = v
  }
  return { http2, headers }
}

function parseUsers(value: unknown, at: At): Map<string, string> {
  const users = new Map<string, string>()
  if (value === undefined || value === null) {
    return users
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw at.fail('must be a mapping of user names to bcrypt hashes')
  }
  for (const [user, hash] of Object.entries(value)) {
    if (typeof hash !== 'string' || !BCRYPT.test(hash)) {
      // The user is named, the value never: it may be a password pasted by mistake.
      throw at.child(user).fail('not a bcrypt hash (generate one with: htpasswd -nBC 10 "" | tr -d \':\\n\')')
    }
    if (user.includes(':')) {
      throw at.child(user).fail('a user name cannot contain ":" (basic auth splits on it)')
    }
    users.set(user, hash)
  }
  return users
}

/** Parses the file's text; `file` names it in errors and anchors relative paths. */
export function parseWebConfig(text: string, file: string): WebConfig {
  const at = new At(file, '')
  let doc: unknown
  try {
    doc = parseYaml(text, { uniqueKeys: true })
  } catch (err) {
    throw at.fail(`not valid YAML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`)
  }
  const o = object(doc, at, ['tls_server_config', 'http_server_config', 'basic_auth_users'])
  const http = parseHttp(o.http_server_config, at.child('http_server_config'))
  return {
    tls: parseTls(o.tls_server_config, at.child('tls_server_config'), dirname(file)),
    http2: http.http2,
    headers: http.headers,
    users: parseUsers(o.basic_auth_users, at.child('basic_auth_users')),
  }
}
