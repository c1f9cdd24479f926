import { describe, expect, it } from 'vitest'
import { parseLoadAvg } from './loadavg.ts'
import { ParseError } from './parse-error.ts'

describe('parseLoadAvg', () => {
  it.each([
    ['0.21 0.37 0.39 1/719 19737\n', { load1: 0.21, load5: 0.37, load15: 0.39 }],
    ['0.21 0.37 0.39 1/719 19737\r\n', { load1: 0.21, load5: 0.37, load15: 0.39 }],
    ['12345678901234567890 0 0', { load1: 12345678901234567890, load5: 0, load15: 0 }],
    ['1 2 3', { load1: 1, load5: 2, load15: 3 }],
  ])('parses %j', (text, want) => {
    expect(parseLoadAvg(text)).toEqual(want)
  })

  it.each(['', '\n', '0.21 0.37', '0.21 x 0.39 1/2 3', 'NaN 1 2'])('rejects %j', (text) => {
    expect(() => parseLoadAvg(text)).toThrowError(ParseError)
  })
})
