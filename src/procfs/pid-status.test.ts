import { describe, expect, it } from 'vitest'
import { parsePidStatus } from './pid-status.ts'
import { ParseError } from './parse-error.ts'

const STATUS = `Name:\tsleep
Umask:\t0022
State:\tS (sleeping)
Tgid:\t4242
Uid:\t1000\t0\t0\t0
Gid:\t1000\t1000\t1000\t1000
VmSize:\t    8260 kB
VmRSS:\t     980 kB
VmSwap:\t       4 kB
Threads:\t1
voluntary_ctxt_switches:\t7
nonvoluntary_ctxt_switches:\t2
`

describe('parsePidStatus', () => {
  it('reads ids, memory and context switches', () => {
    expect(parsePidStatus(STATUS)).toEqual({
      uids: [1000, 0, 0, 0],
      gids: [1000, 1000, 1000, 1000],
      vmSizeBytes: 8260 * 1024,
      vmRssBytes: 980 * 1024,
      vmSwapBytes: 4096,
      voluntaryCtxtSwitches: 7,
      nonvoluntaryCtxtSwitches: 2,
    })
  })

  it('tolerates CRLF and missing memory lines (kernel threads)', () => {
    const s = parsePidStatus('Name:\tkworker\r\nUid:\t0\t0\t0\t0\r\nGid:\t0\t0\t0\t0\r\nvoluntary_ctxt_switches:\t18446744073709551615\r\n')
    expect(s.vmRssBytes).toBeUndefined()
    expect(s.voluntaryCtxtSwitches).toBe(18446744073709551615)
  })

  it('keeps a Name holding colons and spaces out of the way', () => {
    expect(parsePidStatus('Name:\ta: b\nUid:\t1 1 1 1\nGid:\t2 2 2 2\n').uids).toEqual([1, 1, 1, 1])
  })

  it.each(['', 'Name:\tx\n', 'Uid:\t1 2\nGid:\t1 1 1 1\n', 'Uid:\t1 1 1 1\nGid:\t1 1 1 1\nVmRSS:\t12 MB\n', 'Uid:\tx 1 1 1\nGid:\t1 1 1 1\n'])('rejects %j', (text) => {
    expect(() => parsePidStatus(text)).toThrowError(ParseError)
  })
})
