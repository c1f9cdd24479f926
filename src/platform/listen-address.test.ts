import { describe, expect, it } from 'vitest'
import { checkListenHost, parseListenAddress } from './listen-address.ts'

describe('parseListenAddress', () => {
  it.each([
    [':9405', { hostname: '0.0.0.0', port: 9405 }],
    ['127.0.0.1:0', { hostname: '127.0.0.1', port: 0 }],
    ['[::1]:9405', { hostname: '::1', port: 9405 }],
    ['localhost:19405', { hostname: 'localhost', port: 19405 }],
  ])('%s', (text, want) => {
    expect(parseListenAddress(text)).toEqual(want)
  })

  it.each([
    '9405',
    ':99999',
    'host:',
    '[::1]',
    '',
    'a b:80',
    'foo/bar:80',
    '[::1:80',
    '[zz]:80',
    '[127.0.0.1]:80',
    ':-1',
    ':0x10',
    '1.2.3.4:80:90',
    '::1:80',
    'host_name:80',
    '-lead:80',
    `${'a'.repeat(64)}:80`,
    '\u0000:80',
    'é:80',
  ])('rejects %j', (text) => {
    expect(() => parseListenAddress(text)).toThrowError(/--web.listen-address/)
  })

  it('a host name that does not resolve is one line naming the flag', async () => {
    await expect(checkListenHost({ hostname: 'no-such-host.invalid', port: 9405 })).rejects.toThrowError(
      /^--web.listen-address: cannot listen on no-such-host.invalid:9405: host not found$/,
    )
    await expect(checkListenHost({ hostname: '127.0.0.1', port: 9405 })).resolves.toBeUndefined()
  })
})
