import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createProcFiles } from '../platform/proc-files.ts'
import { SocketInspector } from './sockets.ts'
import type { ProcessTable } from './types.ts'

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n'
const CONNECTED = '   0: 0100007F:B3A2 0100007F:115C 01 00000000:00000000 00:00000000 00000000     0        0 555 1 0000000000000000 20 4 30 10 -1\n'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))

function host(): string {
  const dir = mkdtempSync(join(tmpdir(), 'odin-sockets-'))
  dirs.push(dir)
  mkdirSync(join(dir, '700/fd'), { recursive: true })
  mkdirSync(join(dir, '700/net'))
  symlinkSync('socket:[555]', join(dir, '700/fd/3'))
  writeFileSync(join(dir, '700/net/tcp'), HEADER)
  writeFileSync(join(dir, '700/net/tcp6'), HEADER)
  return dir
}

const table = { processes: new Map([[700, { pid: 700, ppid: 1, kernelThread: false, identity: { netns: 'net:[1]' } }]]) } as unknown as ProcessTable

describe('SocketInspector', () => {
  it('finds a socket that connects after it was first seen unconnected (a reverse shell that waits)', () => {
    const dir = host()
    const inspector = new SocketInspector(dir, createProcFiles(0, dir))
    expect(inspector.inspect(table, { stdio: [], walk: [700] }).get(700)?.tcp).toEqual([])
    writeFileSync(join(dir, '700/net/tcp'), HEADER + CONNECTED)
    const seen: number[] = []
    for (let tick = 2; tick <= 12; tick++) {
      if ((inspector.inspect(table, { stdio: [], walk: [700] }).get(700)?.tcp ?? []).length > 0) {
        seen.push(tick)
      }
    }
    // Not re-read on every tick, but within the cache's lifetime (8 ticks), and then kept.
    expect(seen[0]).toBeLessThanOrEqual(9)
    expect(seen).toEqual(Array.from({ length: 12 - (seen[0] as number) + 1 }, (_, i) => (seen[0] as number) + i))
    expect(inspector.inspect(table, { stdio: [], walk: [700] }).get(700)?.tcp?.[0]).toMatchObject({ remoteAddress: '127.0.0.1', remotePort: 4444, state: 'ESTABLISHED' })
  })
})
