import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { parsePressure } from './pressure.ts'

describe('parsePressure', () => {
  it('parses some and full lines', () => {
    const p = parsePressure('some avg10=0.10 avg60=1.50 avg300=0.00 total=2500\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=99\n', 'io')
    expect(p.some).toEqual({ avg10: 0.1, avg60: 1.5, avg300: 0, totalMicroseconds: 2500 })
    expect(p.full?.totalMicroseconds).toBe(99)
  })

  it('accepts an irq file with only a full line, no trailing newline', () => {
    const p = parsePressure('full avg10=0.00 avg60=0.00 avg300=0.00 total=31', 'irq')
    expect(p.some).toBeUndefined()
    expect(p.full?.totalMicroseconds).toBe(31)
  })

  it('skips unknown line kinds and keeps totals above 2^53 as floats', () => {
    const p = parsePressure('other x=1\r\nsome avg10=0 avg60=0 avg300=0 total=18446744073709551615\r\n', 'cpu')
    expect(p.some?.totalMicroseconds).toBe(18446744073709551615)
  })

  it('returns nothing for an empty file', () => {
    expect(parsePressure('', 'cpu')).toEqual({})
  })

  it.each([
    'some avg10=0.00 avg60=0.00 avg300=0.00\n',
    'some avg10=0.00 avg60=0.00 avg300=0.00 total=-1\n',
    'some avg10=x avg60=0.00 avg300=0.00 total=1\n',
    'some avg10 avg60=0 avg300=0 total=1\n',
  ])('rejects %j', (text) => {
    expect(() => parsePressure(text, 'cpu')).toThrowError(ParseError)
  })
})
