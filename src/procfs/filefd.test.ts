import { describe, expect, it } from 'vitest'
import { parseFileNr } from './filefd.ts'
import { ParseError } from './parse-error.ts'

describe('parseFileNr', () => {
  it.each([
    ['2016\t0\t9223372036854775807\n', { allocated: 2016, maximum: 9223372036854775807 }],
    ['5 0 10\r\n', { allocated: 5, maximum: 10 }],
  ])('%j', (text, want) => {
    expect(parseFileNr(text)).toEqual(want)
  })

  it.each(['', '1\t0', '1 0 2 3', 'a 0 2', '1 0 -'])('rejects %j', (text) => {
    expect(() => parseFileNr(text)).toThrowError(ParseError)
  })
})
