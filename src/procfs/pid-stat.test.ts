import { describe, expect, it } from 'vitest'
import { isKernelThread, parsePidStat } from './pid-stat.ts'
import { ParseError } from './parse-error.ts'

const tail = 'S 1 1 1 0 -1 4194560 1523 0 12 0 250 75 0 0 20 0 3 0 4242 12345678 901 18446744073709551615'

describe('parsePidStat', () => {
  it.each([
    [`1234 (bash) ${tail}`, 'bash'],
    [`1234 (a b) ${tail}`, 'a b'],
    [`1234 (x) (y)) ${tail}`, 'x) (y)'],
    [`1234 ((sd-pam)) ${tail}`, '(sd-pam)'],
    [`1234 () ${tail}`, ''],
    [`1234 (new\nline) ${tail}\n`, 'new\nline'],
    [`1234 (tab\there) ${tail}\r\n`, 'tab\there'],
    [`1234 (ünï) ${tail}`, 'ünï'],
  ])('parses comm of %j', (text, comm) => {
    const s = parsePidStat(text)
    expect(s.comm).toBe(comm)
    expect(s).toMatchObject({ pid: 1234, state: 'S', ppid: 1, minflt: 1523, majflt: 12, utime: 250, stime: 75, numThreads: 3, starttime: 4242, vsize: 12345678, rss: 901 })
  })

  it('keeps values above 2^53 as floats', () => {
    const s = parsePidStat('7 (big) R 1 1 1 0 -1 0 18446744073709551615 0 0 0 9007199254740993 0 0 0 20 0 1 0 1 1 1')
    expect(s.minflt).toBe(18446744073709551615)
    expect(s.utime).toBeGreaterThanOrEqual(2 ** 53)
  })

  it.each([
    '',
    '\n',
    '1234',
    '1234 (bash',
    '1234 bash) S 1',
    '1234 (bash) S 1 1 1',
    `(bash) ${tail}`,
    `x (bash) ${tail}`,
    '1234 (bash) S one 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 1 1 1',
  ])('rejects %j', (text) => {
    expect(() => parsePidStat(text)).toThrowError(ParseError)
  })

  // A real 6.x line (52 fields): arg_start and arg_end are fields 48 and 49.
  const full =
    '4242 (sh) S 4200 4200 4100 34816 4200 4194304 120 0 0 0 0 0 0 0 20 0 1 0 99 2732032 250 18446744073709551615 94209420890112 94209420980601 140727306361152 0 0 0 0 0 65538 1 0 0 17 1 0 0 0 0 0 94209421002640 94209421007492 94209440165888 140727306363563 140727306363602 140727306363602 140727306366955 0'
  it.each([
    [full, '140727306363563:140727306363602'],
    [full.replace(/ 140727306363563 140727306363602 /, ' 0 0 '), '0:0'],
    [`1234 (bash) ${tail}`, undefined],
  ])('reads where argv sits (arg_start:arg_end) when the kernel gives it: %#', (text, span) => {
    expect(parsePidStat(text).argSpan).toBe(span)
  })

  it('recognises kernel threads by PF_KTHREAD or parent kthreadd', () => {
    const kthread = parsePidStat('9 (kworker/0:1) I 2 0 0 0 -1 69238880 0 0 0 0 0 5 0 0 20 0 1 0 3 0 0')
    expect(isKernelThread(kthread)).toBe(true)
    expect(isKernelThread(parsePidStat(`1234 ([kworker/0:1]) ${tail}`))).toBe(false)
  })
})
