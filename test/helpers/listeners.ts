import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { parseNetTcp } from '../../src/procfs/net-tcp.ts'

/** n TCP servers listening on loopback, each on its own free port. */
export function listeners(n: number): Promise<Server[]> {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<Server>((resolve, reject) => {
          const server = createServer()
          server.once('error', reject)
          server.listen(0, '127.0.0.1', () => resolve(server))
        }),
    ),
  )
}

/** Ports listening on 127.0.0.1 in the text of a /proc/net/tcp table. */
export function listeningPorts(table: string): Set<number> {
  return new Set(
    parseNetTcp(table)
      .filter((s) => s.state === 'LISTEN' && s.localAddress === '127.0.0.1')
      .map((s) => s.localPort),
  )
}
