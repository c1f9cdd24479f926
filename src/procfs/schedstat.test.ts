import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { parseSchedstat } from './schedstat.ts'

const V15 = `version 15
timestamp 4294
cpu0 1 0 2 3 4 5 7000000000 2500000000 42
domain0 00000000,00000003 1 2 3
cpu12 0 0 0 0 0 0 9007199254740993 0 1 extra
`

describe('parseSchedstat', () => {
  it('takes running, waiting and timeslices from cpu lines', () => {
    expect(parseSchedstat(V15)).toEqual([
      { cpu: '0', runningNanoseconds: 7e9, waitingNanoseconds: 2.5e9, timeslices: 42 },
      { cpu: '12', runningNanoseconds: 9007199254740992, waitingNanoseconds: 0, timeslices: 1 },
    ])
  })

  it('tolerates CRLF and returns nothing for an empty file', () => {
    expect(parseSchedstat('cpu1 1 2 3 4 5 6 7 8 9\r\n')[0]?.timeslices).toBe(9)
    expect(parseSchedstat('')).toEqual([])
  })

  it.each(['cpu0 1 2 3\n', 'cpu0 1 2 3 4 5 6 7 8 x\n', 'cpu0 1 2 3 4 5 6 7 -8 9\n'])('rejects %j', (text) => {
    expect(() => parseSchedstat(text)).toThrowError(ParseError)
  })
})
