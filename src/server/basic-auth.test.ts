import bcrypt from 'bcryptjs'
import { describe, expect, it } from 'vitest'
import { BasicAuth, parseBasicAuthorization } from './basic-auth.ts'

const header = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
const verify = (password: string, hash: string) => bcrypt.compare(password, hash)
// Cost 4 keeps the suite fast; the code path is the same as cost 10.
const hashOf = (password: string) => bcrypt.hashSync(password, 4)

describe('parseBasicAuthorization', () => {
  it.each([
    [header('alice', 'pw'), { user: 'alice', password: 'pw' }],
    [header('alice', 'p:w:x'), { user: 'alice', password: 'p:w:x' }],
    [header('', ''), { user: '', password: '' }],
    [`bAsIc ${Buffer.from('u:é').toString('base64')}`, { user: 'u', password: 'é' }],
    ['Basic', undefined],
    ['Bearer abc', undefined],
    [`Basic ${Buffer.from('nocolon').toString('base64')}`, undefined],
    ['Basic !!!', undefined],
    ['', undefined],
    [undefined, undefined],
    [`Basic ${'A'.repeat(100_000)}`, undefined],
  ])('%#', (h, want) => {
    expect(parseBasicAuthorization(h)).toEqual(want)
  })
})

describe('BasicAuth', () => {
  it('lets everything through while no users are configured', async () => {
    const auth = new BasicAuth(verify)
    expect(auth.enabled).toBe(false)
    expect(await auth.check(undefined)).toBe(true)
  })

  it('checks bcrypt hashes ($2y$ from htpasswd and $2b$), refusing wrong users and passwords', async () => {
    const auth = new BasicAuth(verify)
    auth.setUsers(
      new Map([
        ['alice', hashOf('s3cret').replace(/^\$2b\$/, '$2y$')],
        ['bob', hashOf('other')],
      ]),
    )
    expect(await auth.check(header('alice', 's3cret'))).toBe(true)
    expect(await auth.check(header('bob', 'other'))).toBe(true)
    expect(await auth.check(header('alice', 'wrong'))).toBe(false)
    expect(await auth.check(header('alice', 'other'))).toBe(false)
    expect(await auth.check(header('mallory', 's3cret'))).toBe(false)
    expect(await auth.check(header('alice', ''))).toBe(false)
    expect(await auth.check(undefined)).toBe(false)
    expect(await auth.check('Bearer x')).toBe(false)
  })

  it('an unknown user costs a bcrypt run too (no user enumeration by timing)', async () => {
    const auth = new BasicAuth(verify)
    auth.setUsers(new Map([['alice', hashOf('s3cret')]]))
    await auth.check(header('mallory', 'x'))
    expect(auth.bcryptRuns).toBe(1)
  })

  it('caches a success: the second scrape with the same credentials runs no bcrypt', async () => {
    const auth = new BasicAuth(verify)
    auth.setUsers(new Map([['alice', hashOf('s3cret')]]))
    expect(await auth.check(header('alice', 's3cret'))).toBe(true)
    expect(await auth.check(header('alice', 's3cret'))).toBe(true)
    expect(auth.bcryptRuns).toBe(1)
    // Failures are never cached: each one pays bcrypt.
    await auth.check(header('alice', 'bad'))
    await auth.check(header('alice', 'bad'))
    expect(auth.bcryptRuns).toBe(3)
  })

  it('CVE-2022-46146: after the hash of a user changes, the cached old password no longer works', async () => {
    const auth = new BasicAuth(verify)
    auth.setUsers(new Map([['alice', hashOf('old-password')]]))
    expect(await auth.check(header('alice', 'old-password'))).toBe(true)
    auth.setUsers(new Map([['alice', hashOf('new-password')]]))
    expect(await auth.check(header('alice', 'old-password'))).toBe(false)
    expect(await auth.check(header('alice', 'new-password'))).toBe(true)
  })

  it('a removed user is refused even with a cached password', async () => {
    const hash = hashOf('pw')
    const auth = new BasicAuth(verify)
    auth.setUsers(
      new Map([
        ['alice', hash],
        ['bob', hashOf('x')],
      ]),
    )
    expect(await auth.check(header('alice', 'pw'))).toBe(true)
    auth.setUsers(new Map([['bob', hashOf('x')]]))
    expect(await auth.check(header('alice', 'pw'))).toBe(false)
  })

  it('the same password under another user name is not a cache hit', async () => {
    const hash = hashOf('pw')
    const auth = new BasicAuth(verify)
    auth.setUsers(
      new Map([
        ['alice', hash],
        ['bob', hash],
      ]),
    )
    expect(await auth.check(header('alice', 'pw'))).toBe(true)
    expect(await auth.check(header('bob', 'pw'))).toBe(true)
    expect(auth.bcryptRuns).toBe(2)
  })

  it('a verifier that throws (malformed hash) is a refusal, not a crash', async () => {
    const auth = new BasicAuth(() => Promise.reject(new Error('bad hash')))
    auth.setUsers(new Map([['alice', '$2y$10$abc']]))
    expect(await auth.check(header('alice', 'x'))).toBe(false)
  })

  it('bcrypt runs one at a time under a flood of wrong passwords', async () => {
    let running = 0
    let most = 0
    const slow = async (p: string, h: string) => {
      running++
      most = Math.max(most, running)
      await new Promise((r) => setTimeout(r, 2))
      running--
      return verify(p, h)
    }
    const auth = new BasicAuth(slow)
    auth.setUsers(new Map([['alice', hashOf('pw')]]))
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => auth.check(header('alice', `wrong${i}`))))
    expect(results.every((r) => r === false)).toBe(true)
    expect(most).toBe(1)
  })
})
