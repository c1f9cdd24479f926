import { isIP } from 'node:net'
import type { Hono } from 'hono'
import { FlagError } from '../config/flag-spec.ts'
import type { ListenAddress } from './listen-address.ts'

/**
 * What Bun.serve takes as `tls` (node:tls' createServer shares these names); built from
 * --web.config.file by server/web-tls.ts.
 */
export interface ServeTls {
  readonly cert: string
  readonly key: string
  readonly ca?: string
  readonly requestCert: boolean
  readonly rejectUnauthorized: boolean
  /** SSL_OP_NO_TLSv1_x bits: how min_version and max_version reach BoringSSL and OpenSSL. */
  readonly secureOptions: number
  readonly ciphers?: string
  /** Offer HTTP/2 by ALPN (`http_server_config.http2`, on by default as in exporter-toolkit). */
  readonly http2: boolean
}

export interface RunningServer {
  readonly port: number
  /** Stops accepting connections and waits for in-flight requests, at most `graceMs`. */
  stop(graceMs: number): Promise<void>
  /**
   * Serves with other TLS settings (a rotated certificate). Bun.serve cannot swap them in
   * place (server.reload takes handlers only), so the listener is closed and bound again on
   * the same port in one turn of the event loop; requests already accepted finish on the
   * old one.
   */
  restart(tls: ServeTls | undefined): void
}

const REASONS: Record<string, string> = {
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this host',
  EACCES: 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)',
}

function listenError(address: ListenAddress, err: unknown): FlagError {
  const code = (err as { code?: string } | null)?.code ?? ''
  const where = `${isIP(address.hostname) === 6 ? `[${address.hostname}]` : address.hostname}:${address.port}`
  const reason = REASONS[code] ?? (err instanceof Error ? err.message : String(err))
  return new FlagError(`--web.listen-address: cannot listen on ${where}: ${reason}`)
}

/** Bun.serve's `tls`, and its (experimental in Bun 1.4) HTTP/2, offered by ALPN beside 1.1. */
function tlsSettings(options: ServeTls): { tls: Omit<ServeTls, 'http2'>; http2: boolean } {
  const { http2, ...tls } = options
  return { tls, http2 }
}

/**
 * Binds the app with Bun.serve: the only place the HTTP runtime is touched. A request with
 * no Host header (HTTP/1.0, HAProxy's default health check) reaches Bun with a bare path
 * as its URL; it is given the listen address as its host so the router sees its path.
 */
export function serve(app: Hono, address: ListenAddress, tls?: ServeTls): RunningServer {
  const start = (port: number, withTls: ServeTls | undefined) => {
    const scheme = withTls ? 'https' : 'http'
    const host = isIP(address.hostname) === 6 ? `[${address.hostname}]` : address.hostname
    let bound = port
    try {
      const s = Bun.serve({
        hostname: address.hostname,
        port,
        idleTimeout: 30,
        ...(withTls ? tlsSettings(withTls) : {}),
        fetch: (req: Request): Response | Promise<Response> => {
          if (req.url.startsWith('/')) {
            return app.fetch(new Request(`${scheme}://${host}:${bound}${req.url}`, req))
          }
          return app.fetch(req)
        },
      })
      bound = s.port ?? port
      return s
    } catch (err) {
      throw listenError({ hostname: address.hostname, port }, err)
    }
  }
  let server = start(address.port, tls)
  let serving = tls
  const port = server.port ?? address.port
  return {
    port,
    stop: async (graceMs) => {
      const current = server
      const drained = current.stop(false)
      await Promise.race([drained, new Promise((r) => setTimeout(r, graceMs))])
      current.stop(true)
    },
    restart: (next) => {
      const old = server
      void old.stop(false)
      try {
        server = start(port, next)
        serving = next
      } catch (err) {
        // Never left without a listener: back on the settings that were serving.
        server = start(port, serving)
        throw err
      }
    },
  }
}
