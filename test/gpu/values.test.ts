import { describe, expect, it } from 'vitest'
import { parseSmiFlag, parseSmiNumber, parseSmiPstate, smiText } from '../../src/gpu/values.ts'

describe('parseSmiNumber', () => {
  it.each([
    ['27 C', 27],
    ['67.03 W', 67.03],
    ['16x', 16],
    ['96 bank(s)', 96],
    ['4251825415 us', 4251825415],
    ['  0 %\n   ', 0],
    ['-7 C', -7],
    ['18446744073709551615', 18446744073709551615],
    ['1e3', 1000],
  ])('%j -> %d', (text, want) => {
    expect(parseSmiNumber(text)).toBe(want)
  })

  it.each([
    'N/A',
    '[N/A]',
    '[Not Supported]',
    'Not Supported',
    '[Insufficient Permissions]',
    'Requested functionality has been deprecated',
    'ERR!',
    '[Unknown Error]',
    '',
    '   ',
    'x',
    '0x10',
    'Infinity',
    'NaN',
    'None',
  ])('%j is absent, not 0', (text) => {
    expect(parseSmiNumber(text)).toBeUndefined()
  })

  it('undefined stays undefined', () => {
    expect(parseSmiNumber(undefined)).toBeUndefined()
  })
})

describe('parseSmiFlag', () => {
  it.each([
    ['Active', 1],
    ['Not Active', 0],
    ['Not Active\n            ', 0],
    ['Yes', 1],
    ['No', 0],
    ['Enabled', 1],
    ['Disabled', 0],
  ])('%j -> %d', (text, want) => {
    expect(parseSmiFlag(text)).toBe(want)
  })

  it.each(['N/A', '[Not Supported]', '', 'Maybe', undefined])('%j is absent', (text) => {
    expect(parseSmiFlag(text)).toBeUndefined()
  })
})

describe('parseSmiPstate and smiText', () => {
  it('reads P-states', () => {
    expect(parseSmiPstate('P0')).toBe(0)
    expect(parseSmiPstate('P15')).toBe(15)
    expect(parseSmiPstate('[Unknown Error]')).toBeUndefined()
    expect(parseSmiPstate('Requested functionality has been deprecated')).toBeUndefined()
  })

  it('drops absent markers from label text', () => {
    expect(smiText(' 535.54.03 ')).toBe('535.54.03')
    expect(smiText('N/A')).toBe('')
    expect(smiText('[Insufficient Permissions]')).toBe('')
    expect(smiText(undefined)).toBe('')
  })
})
