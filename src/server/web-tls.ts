import { X509Certificate, createHash, createPrivateKey } from 'node:crypto'
import { FlagError } from '../config/flag-spec.ts'
import { TLS_VERSIONS, parseWebConfig } from './web-config.ts'
import type { TlsServerConfig, TlsVersion, WebConfig } from './web-config.ts'
import type { ServeTls } from '../platform/serve.ts'

/** What the listener takes (platform/serve.ts owns the shape). */
export type TlsServeOptions = ServeTls

/** OpenSSL's and BoringSSL's values (ssl.h): the same in both. */
export const SSL_OP_NO: Readonly<Record<TlsVersion, number>> = {
  TLS10: 0x04000000,
  TLS11: 0x10000000,
  TLS12: 0x08000000,
  TLS13: 0x20000000,
}

/** The protocol versions outside [min, max] switched off. */
export function secureOptionsFor(min: TlsVersion, max: TlsVersion): number {
  let bits = 0
  const lo = TLS_VERSIONS.indexOf(min)
  const hi = TLS_VERSIONS.indexOf(max)
  TLS_VERSIONS.forEach((v, i) => {
    if (i < lo || i > hi) {
      bits |= SSL_OP_NO[v]
    }
  })
  return bits
}

export interface LoadedWebConfig {
  readonly config: WebConfig
  readonly tls?: TlsServeOptions
  /** Worth a warning, not a refusal: exporter-toolkit serves an expired certificate too. */
  readonly warnings: readonly string[]
  /** Digest of the file and every file it names: a change means re-apply. */
  readonly fingerprint: string
}

export type ReadText = (path: string) => string

function fail(file: string, key: string, message: string): FlagError {
  return new FlagError(`--web.config.file: ${file}: tls_server_config.${key}: ${message}`)
}

function readPem(read: ReadText, file: string, key: string, path: string | undefined, inline: string | undefined): string | undefined {
  if (inline !== undefined) {
    return inline
  }
  if (path === undefined) {
    return undefined
  }
  try {
    return read(path)
  } catch (err) {
    const code = (err as { code?: string }).code
    throw fail(file, key, `cannot read ${path}${code ? ` (${code})` : ''}`)
  }
}

function certificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []
  return blocks.map((b) => new X509Certificate(b))
}

function buildTls(tls: TlsServerConfig, http2: boolean, file: string, read: ReadText, now: number, warnings: string[], digest: ReturnType<typeof createHash>): TlsServeOptions {
  const certKey = tls.certFile ? 'cert_file' : 'cert'
  const keyKey = tls.keyFile ? 'key_file' : 'key'
  const cert = readPem(read, file, certKey, tls.certFile, tls.cert) as string
  const key = readPem(read, file, keyKey, tls.keyFile, tls.key) as string
  const ca = readPem(read, file, tls.clientCaFile ? 'client_ca_file' : 'client_ca', tls.clientCaFile, tls.clientCa)
  let chain: X509Certificate[]
  try {
    chain = certificates(cert)
  } catch {
    chain = []
  }
  const leaf = chain[0]
  if (!leaf) {
    throw fail(file, certKey, 'no PEM certificate in it')
  }
  let privateKey: ReturnType<typeof createPrivateKey>
  try {
    privateKey = createPrivateKey(key)
  } catch {
    throw fail(file, keyKey, 'not a PEM private key (an encrypted key is not supported)')
  }
  if (!leaf.checkPrivateKey(privateKey)) {
    throw fail(file, keyKey, `does not match the certificate of ${certKey}`)
  }
  if (ca !== undefined) {
    let cas: X509Certificate[] = []
    try {
      cas = certificates(ca)
    } catch {
      cas = []
    }
    if (cas.length === 0) {
      throw fail(file, tls.clientCaFile ? 'client_ca_file' : 'client_ca', 'no PEM certificate in it')
    }
  }
  const notAfter = Date.parse(leaf.validTo)
  if (notAfter < now) {
    warnings.push(`the certificate of tls_server_config.${certKey} expired on ${new Date(notAfter).toISOString()}; clients will refuse it`)
  }
  digest
    .update(cert)
    .update('\0')
    .update(key)
    .update('\0')
    .update(ca ?? '')
  const verify = tls.clientAuthType !== 'NoClientCert'
  return {
    cert,
    key,
    ...(ca !== undefined && verify ? { ca } : {}),
    requestCert: verify,
    rejectUnauthorized: tls.clientAuthType === 'RequireAndVerifyClientCert',
    secureOptions: secureOptionsFor(tls.minVersion, tls.maxVersion),
    ...(tls.cipherSuites.length > 0 ? { ciphers: tls.cipherSuites.join(':') } : {}),
    http2,
  }
}

/** Reads and checks the web config and every file it names. Throws FlagError naming the key. */
export function loadWebConfig(file: string, read: ReadText, now: number): LoadedWebConfig {
  let text: string
  try {
    text = read(file)
  } catch (err) {
    const code = (err as { code?: string }).code
    throw new FlagError(`--web.config.file: cannot read ${file}${code ? ` (${code})` : ''}`)
  }
  const config = parseWebConfig(text, file)
  const warnings: string[] = []
  const digest = createHash('sha256').update(text).update('\0')
  const tls = config.tls ? buildTls(config.tls, config.http2, file, read, now, warnings, digest) : undefined
  return { config, tls, warnings, fingerprint: digest.digest('hex') }
}
