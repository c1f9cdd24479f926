import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import bcrypt from 'bcryptjs'
import { afterEach, describe, expect, it } from 'vitest'
import type { LogFields, Logger } from '../log/logger.ts'
import { WebConfigState } from '../server/web-config-state.ts'
import type { TlsServeOptions } from '../server/web-tls.ts'
import type { RunningServer } from './serve.ts'
import { watchWebConfig } from './web-config-watch.ts'

const certs = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'tls')
const tls = (name: string) => `tls_server_config:\n  cert_file: ${certs}/${name}.pem\n  key_file: ${certs}/${name}-key.pem\n`

function recordingLogger(lines: string[]): Logger {
  const at = (level: string) => (msg: string, fields?: LogFields) => lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`)
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log }
  return log
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
/** Waits until `cond` holds (polls are timers: a busy machine delays them, never skips the check). */
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond() && Date.now() < deadline) {
    await sleep(10)
  }
}

describe('watchWebConfig', () => {
  let stop: (() => void) | undefined
  afterEach(() => stop?.())

  function setup(initial: string) {
    const files: Record<string, string> = { '/w.yml': initial }
    const state = new WebConfigState(
      '/w.yml',
      (p) => files[p] ?? readFileSync(p, 'utf8'),
      Date.now,
      (pw, h) => bcrypt.compare(pw, h),
    )
    const restarts: (TlsServeOptions | undefined)[] = []
    const server: RunningServer = { port: 0, stop: async () => {}, restart: (t) => void restarts.push(t) }
    const lines: string[] = []
    stop = watchWebConfig(state, server, recordingLogger(lines), 20)
    return { files, restarts, lines }
  }

  it('a certificate change restarts the listener with the new one; a users-only change does not', async () => {
    const { files, restarts, lines } = setup(tls('server'))
    files['/w.yml'] = `${tls('server')}basic_auth_users:\n  u: ${bcrypt.hashSync('p', 4)}\n`
    await until(() => lines.some((l) => l.startsWith('info web config applied')))
    expect(restarts).toEqual([])
    expect(lines.some((l) => l.startsWith('info web config applied') && l.includes('"tls_restarted":false'))).toBe(true)
    files['/w.yml'] = tls('server2')
    await until(() => restarts.length > 0)
    expect(restarts.map((t) => t?.cert)).toEqual([readFileSync(join(certs, 'server2.pem'), 'utf8')])
  })

  it('a bad rewrite is an error once it holds for two polls, logged once, and SIGHUP logs it at once', async () => {
    const { files, restarts, lines } = setup(tls('server'))
    files['/w.yml'] = `${tls('server')}  min_version: TLS9\n`
    await until(() => lines.some((l) => l.startsWith('error web config not applied')))
    expect(lines.filter((l) => l.startsWith('debug web config not applied yet'))).toHaveLength(1)
    // More polls of the same bad file: not logged again.
    const polls = lines.length
    await sleep(100)
    expect(lines.length).toBe(polls)
    const errors = lines.filter((l) => l.startsWith('error web config not applied'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/min_version/)
    process.emit('SIGHUP')
    expect(lines.filter((l) => l.startsWith('error web config not applied'))).toHaveLength(2)
    expect(restarts).toEqual([])
  })

  it('SIGHUP re-reads at once, between polls', async () => {
    stop?.()
    const files: Record<string, string> = { '/w.yml': tls('server') }
    const state = new WebConfigState(
      '/w.yml',
      (p) => files[p] ?? readFileSync(p, 'utf8'),
      Date.now,
      (pw, h) => bcrypt.compare(pw, h),
    )
    const restarts: unknown[] = []
    const lines: string[] = []
    stop = watchWebConfig(state, { port: 0, stop: async () => {}, restart: (t) => void restarts.push(t) }, recordingLogger(lines), 60_000)
    files['/w.yml'] = tls('server2')
    process.emit('SIGHUP')
    expect(restarts).toHaveLength(1)
    expect(lines.some((l) => l.includes('"trigger":"SIGHUP"'))).toBe(true)
  })
})
