import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { parseSoftnet } from './softnet.ts'

describe('parseSoftnet', () => {
  it('reads 13-column rows with the CPU in the last column', () => {
    const rows = parseSoftnet('0000000a 00000001 00000002 0 0 0 0 0 00000003 00000004 00000005 00000006 00000007\n')
    expect(rows).toEqual([{ cpu: '7', processed: 10, dropped: 1, timeSqueezed: 2, cpuCollision: 3, receivedRps: 4, flowLimitCount: 5, backlogLen: 6 }])
  })

  it('numbers older 11- and 9-column rows by position', () => {
    const rows = parseSoftnet('ffffffff 0 1 0 0 0 0 0 0 2 3\r\n00000001 0 0 0 0 0 0 0 5\n')
    expect(rows.map((r) => [r.cpu, r.processed, r.receivedRps, r.flowLimitCount, r.cpuCollision, r.backlogLen])).toEqual([
      ['0', 0xffffffff, 2, 3, 0, 0],
      ['1', 1, 0, 0, 5, 0],
    ])
  })

  it('returns nothing for an empty file', () => {
    expect(parseSoftnet('')).toEqual([])
  })

  it.each(['1 2 3\n', '0 0 0 0 0 0 0 0 zz\n', '100000000 0 0 0 0 0 0 0 0\n'])('rejects %j', (text) => {
    expect(() => parseSoftnet(text)).toThrowError(ParseError)
  })
})
