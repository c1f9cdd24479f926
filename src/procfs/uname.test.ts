import { describe, expect, it } from 'vitest'
import { kernelString } from './uname.ts'

describe('kernelString', () => {
  it.each([
    ['Linux\n', 'Linux'],
    ['#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)\n', '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)'],
    ['(none)\r\n', '(none)'],
    ['no newline', 'no newline'],
    ['', ''],
    ['two\nlines\n', 'two'],
    [' padded \n', ' padded '],
  ])('%j -> %j', (text, want) => {
    expect(kernelString(text)).toBe(want)
  })
})
