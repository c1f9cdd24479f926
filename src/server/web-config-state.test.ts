import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import bcrypt from 'bcryptjs'
import { describe, expect, it } from 'vitest'
import { WebConfigState } from './web-config-state.ts'

const certs = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'tls')
const header = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

function harness(initial: string) {
  const files: Record<string, string> = { '/etc/odin/web.yml': initial }
  const read = (p: string) => files[p] ?? readFileSync(p, 'utf8')
  const state = new WebConfigState(
    '/etc/odin/web.yml',
    read,
    () => Date.parse('2026-01-01T00:00:00Z'),
    (pw, h) => bcrypt.compare(pw, h),
  )
  return { state, write: (text: string) => (files['/etc/odin/web.yml'] = text) }
}
const tls = (name: string) => `tls_server_config:\n  cert_file: ${certs}/${name}.pem\n  key_file: ${certs}/${name}-key.pem\n`
const users = (password: string) => `basic_auth_users:\n  prometheus: ${bcrypt.hashSync(password, 4)}\n`

describe('WebConfigState', () => {
  it('a bad file at start throws one line naming the key', () => {
    expect(() => harness('tls_server_config:\n  cert_file: x\n')).toThrowError(/^--web\.config\.file: \/etc\/odin\/web\.yml: tls_server_config\.key_file: missing/)
  })

  it('unchanged, applied (users in place, TLS flagged), rejected (last good kept)', async () => {
    const { state, write } = harness(tls('server') + users('one'))
    expect(state.reload()).toEqual({ kind: 'unchanged' })
    write(tls('server') + users('two'))
    expect(state.reload()).toEqual({ kind: 'applied', tlsChanged: false, warnings: [] })
    expect(await state.auth.check(header('prometheus', 'two'))).toBe(true)
    write(tls('server2') + users('two'))
    const rotated = state.reload()
    expect(rotated).toMatchObject({ kind: 'applied', tlsChanged: true })
    expect(state.tls()?.cert).toBe(readFileSync(join(certs, 'server2.pem'), 'utf8'))
    write(`${tls('server2')}  min_version: TLS9\n`)
    const bad = state.reload()
    expect(bad).toMatchObject({ kind: 'rejected', error: expect.stringMatching(/min_version: invalid value "TLS9"/) })
    // Still the last good one: TLS from server2, the user still required.
    expect(state.tls()?.cert).toBe(readFileSync(join(certs, 'server2.pem'), 'utf8'))
    expect(state.auth.enabled).toBe(true)
    expect(await state.auth.check(header('prometheus', 'two'))).toBe(true)
  })

  it('CVE-2022-46146 through a file rewrite: the old password, cached, stops working when the hash changes', async () => {
    const { state, write } = harness(users('old'))
    expect(await state.auth.check(header('prometheus', 'old'))).toBe(true)
    expect(await state.auth.check(header('prometheus', 'old'))).toBe(true)
    write(users('new'))
    expect(state.reload().kind).toBe('applied')
    expect(await state.auth.check(header('prometheus', 'old'))).toBe(false)
    expect(await state.auth.check(header('prometheus', 'new'))).toBe(true)
  })

  it('headers follow the file', () => {
    const { state, write } = harness('http_server_config:\n  headers:\n    X-Frame-Options: deny\n')
    expect(state.headers()).toEqual({ 'X-Frame-Options': 'deny' })
    write('http_server_config:\n  headers:\n    X-Frame-Options: sameorigin\n')
    state.reload()
    expect(state.headers()).toEqual({ 'X-Frame-Options': 'sameorigin' })
  })

  it('an expired certificate is a warning, kept with the config', () => {
    const { state } = harness(tls('expired'))
    expect(state.warnings).toEqual([expect.stringMatching(/expired on 2002-01-01/)])
  })
})
