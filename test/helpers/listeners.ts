import { createServer } from 'node:net'
import type { Server } from 'node:net'

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
  const ports = new Set<number>()
  for (const line of table.split('\n')) {
    const m = /^\s*\d+: 0100007F:([0-9A-F]{4}) 00000000:0000 0A /.exec(line)
    if (m) {
      ports.add(Number.parseInt(m[1] as string, 16))
    }
  }
  return ports
}
