import { describe, expect, it } from 'vitest'
import { parseListenAddress } from './listen-address.ts'

describe('parseListenAddress', () => {
  it.each([
    [':9405', { hostname: '0.0.0.0', port: 9405 }],
    ['127.0.0.1:0', { hostname: '127.0.0.1', port: 0 }],
    ['[::1]:9405', { hostname: '::1', port: 9405 }],
    ['localhost:19405', { hostname: 'localhost', port: 19405 }],
  ])('%s', (text, want) => {
    expect(parseListenAddress(text)).toEqual(want)
  })

  it.each(['9405', ':99999', 'host:', '[::1]', ''])('rejects %j', (text) => {
    expect(() => parseListenAddress(text)).toThrowError(/--web.listen-address/)
  })
})
