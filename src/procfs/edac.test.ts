import { describe, expect, it } from 'vitest'
import { edacChannel, edacDimmLabel, edacIndex, parseEdacCount } from './edac.ts'
import { ParseError } from './parse-error.ts'

describe('parseEdacCount', () => {
  it.each([
    ['0\n', 0],
    ['17', 17],
    ['  42 \r\n', 42],
    ['\t7\u0085', 7],
    ['007\n', 7],
    ['9007199254740993\n', 9007199254740992],
    ['18446744073709551615\n', 18446744073709551615],
  ])('reads %j as %d', (text, value) => {
    expect(parseEdacCount(text, 'mc0/ce_count')).toBe(value)
  })

  it.each(['', '\n', 'x', '-1', '+1', '1.5', '0x10', '1 2', '1e3', '18446744073709551616', '\ufeff1'])('rejects %j naming the file', (text) => {
    expect(() => parseEdacCount(text, '/sys/mc0/ce_count')).toThrowError(ParseError)
    expect(() => parseEdacCount(text, '/sys/mc0/ce_count')).toThrowError(/\/sys\/mc0\/ce_count/)
  })
})

describe('edacIndex', () => {
  it.each([
    ['mc0', 'mc', '0'],
    ['mc12', 'mc', '12'],
    ['mc1x', 'mc', '1'],
    ['mc', 'mc', undefined],
    ['mcx', 'mc', undefined],
    ['power', 'mc', undefined],
    ['csrow3', 'csrow', '3'],
    ['csrow', 'csrow', undefined],
    ['ce_count', 'csrow', undefined],
  ] as const)('%s with prefix %s is %j', (name, prefix, index) => {
    expect(edacIndex(name, prefix)).toBe(index)
  })
})

describe('edacChannel', () => {
  it.each([
    ['ch0_ce_count', '0'],
    ['ch11_ce_count', '11'],
    ['chx_ch2_ce_count', '2'],
    ['chX_ce_count', undefined],
    ['ch_ce_count', undefined],
    ['ch0_ue_count', undefined],
    ['ch0_ce_count.bak', undefined],
    ['xch0_ce_count', undefined],
    ['ce_count', undefined],
  ])('%s is channel %j', (file, channel) => {
    expect(edacChannel(file)).toBe(channel)
  })
})

describe('edacDimmLabel', () => {
  it.each([
    [undefined, 'unknown'],
    ['mc0csrow1channel0\n', 'mc0_csrow1_channel0'],
    ['  CPU#1_csrow0_channel2  \r\n', 'CPU1__csrow0__channel2'],
    ['DIMM_A1\n', 'DIMM_A1'],
    ['\n', ''],
  ])('%j becomes %j', (text, label) => {
    expect(edacDimmLabel(text)).toBe(label)
  })
})
