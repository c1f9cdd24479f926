import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { parseCpuList, parseDecimal, parseGoFloat, parseIntAutoBase, parseUnsigned, tryFloat } from './sysfs-value.ts'

describe('parseDecimal / parseUnsigned', () => {
  it.each([
    ['0', 0],
    ['-1', -1],
    ['+7', 7],
    ['18446744073709551615', 18446744073709551615],
  ])('parseDecimal(%j)', (text, want) => {
    expect(parseDecimal(text, 't')).toBe(want)
  })

  it.each(['', ' 1', '1 ', '1.5', '0x10', '1e3', 'abc', '--1'])('parseDecimal rejects %j', (text) => {
    expect(() => parseDecimal(text, 't')).toThrowError(ParseError)
  })

  it.each(['-1', '+1', '', '1.0'])('parseUnsigned rejects %j', (text) => {
    expect(() => parseUnsigned(text, 't')).toThrowError(ParseError)
  })
})

describe('parseIntAutoBase (strconv base 0)', () => {
  it.each([
    ['0x1303', 4867],
    ['0X20', 32],
    ['010', 8],
    ['0', 0],
    ['-1', -1],
    ['1500', 1500],
    ['0b101', 5],
  ])('%j -> %d', (text, want) => {
    expect(parseIntAutoBase(text, 't')).toBe(want)
  })

  it.each(['', '0x', '09', '1.5', 'up', ' 1'])('rejects %j', (text) => {
    expect(() => parseIntAutoBase(text, 't')).toThrowError(ParseError)
  })
})

describe('parseGoFloat', () => {
  it.each([
    ['55000', 55000],
    ['-3.5', -3.5],
    ['1e3', 1000],
    ['.5', 0.5],
    ['5.', 5],
    ['+Inf', Number.POSITIVE_INFINITY],
    ['-inf', Number.NEGATIVE_INFINITY],
  ])('%j -> %d', (text, want) => {
    expect(parseGoFloat(text, 't')).toBe(want)
  })

  it('accepts NaN', () => {
    expect(parseGoFloat('NaN', 't')).toBeNaN()
  })

  it.each(['', ' 1', '1 ', '0x10', '1,5', 'N/A', '1e', '--1', '1\n'])('rejects %j', (text) => {
    expect(() => parseGoFloat(text, 't')).toThrowError(ParseError)
  })

  it('tryFloat returns undefined instead of throwing', () => {
    expect(tryFloat('x')).toBeUndefined()
    expect(tryFloat(undefined)).toBeUndefined()
    expect(tryFloat('2')).toBe(2)
  })
})

describe('parseCpuList', () => {
  it.each([
    ['', []],
    ['\n', []],
    ['3', [3]],
    ['0-2,5\n', [0, 1, 2, 5]],
    ['1,3-4', [1, 3, 4]],
  ])('%j', (text, want) => {
    expect(parseCpuList(text, 't')).toEqual(want)
  })

  it.each(['a', '1-', '3-1', '1,,2', '0-999999999'])('rejects %j', (text) => {
    expect(() => parseCpuList(text, 't')).toThrowError(ParseError)
  })
})
