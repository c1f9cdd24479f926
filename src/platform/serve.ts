import type { Hono } from 'hono'
import type { ListenAddress } from './listen-address.ts'

export interface RunningServer {
  readonly port: number
  /** Stops accepting connections and waits for in-flight requests, at most `graceMs`. */
  stop(graceMs: number): Promise<void>
}

/** Binds the app with Bun.serve: the only place the HTTP runtime is touched. */
export function serve(app: Hono, address: ListenAddress): RunningServer {
  const server = Bun.serve({
    hostname: address.hostname,
    port: address.port,
    fetch: app.fetch,
    idleTimeout: 30,
  })
  return {
    port: server.port ?? address.port,
    stop: async (graceMs) => {
      const drained = server.stop(false)
      await Promise.race([drained, new Promise((r) => setTimeout(r, graceMs))])
      server.stop(true)
    },
  }
}
