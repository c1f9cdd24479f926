import { describe, expect, it } from 'vitest'
import { FlagError, coerceFlag } from './flag-spec.ts'
import type { FlagSpec } from './flag-spec.ts'

const cap: FlagSpec = { name: 'collector.x.max', kind: 'int', min: 0, default: 200, help: 'a cap' }
const plain: FlagSpec = { name: 'x.offset', kind: 'int', default: 0, help: 'any integer' }

describe('coerceFlag int', () => {
  it.each([
    ['0', 0],
    ['200', 200],
    ['007', 7],
    [String(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER],
  ])('a cap accepts %j', (raw, value) => {
    expect(coerceFlag(cap, raw)).toBe(value)
  })

  it.each(['-1', '-0200', '1.5', '1e3', '0x10', '+5', ' 5', '5 ', '', 'many', '99999999999999999999', '٣'])('a cap rejects %j with one line', (raw) => {
    expect(() => coerceFlag(cap, raw)).toThrowError(FlagError)
    expect(() => coerceFlag(cap, raw)).toThrowError(`--collector.x.max: invalid value "${raw}" (accepted: an integer >= 0)`)
  })

  it('an int without a minimum takes negatives and names no bound', () => {
    expect(coerceFlag(plain, '-3')).toBe(-3)
    expect(() => coerceFlag(plain, '2.5')).toThrowError('--x.offset: invalid value "2.5" (accepted: an integer)')
  })
})
