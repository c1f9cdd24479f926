import { describe, expect, it } from 'vitest'
import { lineValue } from './parse-error.ts'

describe('lineValue', () => {
  it.each([
    { text: 'Uid:\t1\t2\t3\t4\nGid:\t5', key: 'Uid', value: '\t1\t2\t3\t4' },
    { text: 'Name:\tx\nUid:\t1\nGid:\t5\n', key: 'Gid', value: '\t5' },
    { text: 'Name:\tx\r\nUid:\t7\r\n', key: 'Uid', value: '\t7\r' },
    { text: 'Name:\tx\nUid:', key: 'Uid', value: '' },
    { text: 'Name:\tUid: 3\n', key: 'Uid', value: undefined },
    { text: 'XUid:\t3\n', key: 'Uid', value: undefined },
    { text: 'Uids:\t3\nUid:\t4\n', key: 'Uid', value: '\t4' },
    { text: 'VmSize:\t1 kB\nVmSize:\t2 kB\n', key: 'VmSize', value: '\t1 kB' },
    { text: '', key: 'Uid', value: undefined },
    { text: 'Uid', key: 'Uid', value: undefined },
    { text: 'Name:\t(evil)\nUid:\t0', key: 'Uid', value: '\t0' },
  ])('$key in $text -> $value', ({ text, key, value }) => {
    expect(lineValue(text, key)).toBe(value)
  })
})
