import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { parseVmstat } from './vmstat.ts'

describe('parseVmstat', () => {
  it('keeps file order and large values', () => {
    expect(parseVmstat('nr_free_pages 10\r\npgfault 36893488147419103232\n\noom_kill 0')).toEqual([
      ['nr_free_pages', 10],
      ['pgfault', 36893488147419103232],
      ['oom_kill', 0],
    ])
  })

  it('returns nothing for an empty file', () => {
    expect(parseVmstat('')).toEqual([])
  })

  it.each(['pgfault\n', 'pgfault 1 2\n', 'pgfault x\n'])('rejects %j', (text) => {
    expect(() => parseVmstat(text)).toThrowError(ParseError)
  })
})
