import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { parseStat } from './stat.ts'

const STAT = `cpu  301854 612 111922 8979004 3552 2 3944 0 44 36
cpu0 44490 19 21045 1087069 220 1 3410 0 2 1
cpu1 47869 23 16474 1110787 591 0 46 0 3 2
intr 8885917 17 0 0 0 0 0 0 0 1 79281
ctxt 38014093
btime 1418183276
processes 26442
procs_running 2
procs_blocked 0
softirq 5057579 250191 1481983 1647 211099 186066 0 1783454 622196 12499 508444
`

describe('parseStat', () => {
  it('parses CPU times in seconds (USER_HZ 100) and the scalar lines', () => {
    const s = parseStat(STAT)
    expect(s.cpus.get(0)).toEqual({ user: 444.9, nice: 0.19, system: 210.45, idle: 10870.69, iowait: 2.2, irq: 0.01, softirq: 34.1, steal: 0, guest: 0.02, guestNice: 0.01 })
    expect(s.total?.idle).toBe(89790.04)
    expect([...s.cpus.keys()]).toEqual([0, 1])
    expect(s).toMatchObject({ intr: 8885917, ctxt: 38014093, btime: 1418183276, processes: 26442, procsRunning: 2, procsBlocked: 0, softirqTotal: 5057579 })
    expect(Object.fromEntries(s.softirqs)).toEqual({
      hi: 250191,
      timer: 1481983,
      net_tx: 1647,
      net_rx: 211099,
      block: 186066,
      block_iopoll: 0,
      tasklet: 1783454,
      sched: 622196,
      hrtimer: 12499,
      rcu: 508444,
    })
  })

  it.each([
    ['CRLF line ends', STAT.replaceAll('\n', '\r\n'), (s: ReturnType<typeof parseStat>) => expect(s.ctxt).toBe(38014093)],
    ['an empty file', '', (s: ReturnType<typeof parseStat>) => expect(s.cpus.size).toBe(0)],
    ['unknown lines', 'page 5741 1808\nswap 1 0\nctxt 5\n', (s: ReturnType<typeof parseStat>) => expect(s.ctxt).toBe(5)],
    [
      'an old kernel with 4 CPU columns',
      'cpu0 100 200 300 400\n',
      (s: ReturnType<typeof parseStat>) => expect(s.cpus.get(0)).toMatchObject({ user: 1, idle: 4, iowait: 0, guestNice: 0 }),
    ],
    ['a truncated CPU line (skipped)', 'cpu0 44490 19\ncpu1 1 2 3 4 5\n', (s: ReturnType<typeof parseStat>) => expect([...s.cpus.keys()]).toEqual([1])],
    ['a truncated last line (kept lines parse)', 'ctxt 12\nbtime', (s: ReturnType<typeof parseStat>) => expect([s.ctxt, s.btime]).toEqual([12, undefined])],
    [
      'values above 2^53',
      'ctxt 18446744073709551615\ncpu7 18446744073709551615 0 0 0\n',
      (s: ReturnType<typeof parseStat>) => {
        expect(s.ctxt).toBe(18446744073709551615)
        expect(s.cpus.get(7)?.user).toBe(18446744073709551615 / 100)
      },
    ],
    ['a kernel with fewer softirq vectors', 'softirq 10 1 2 3\n', (s: ReturnType<typeof parseStat>) => expect([...s.softirqs.keys()]).toEqual(['hi', 'timer', 'net_tx'])],
    ['sparse CPU numbers (offline CPUs)', 'cpu0 1 1 1 1\ncpu8 2 2 2 2\n', (s: ReturnType<typeof parseStat>) => expect([...s.cpus.keys()]).toEqual([0, 8])],
  ])('handles %s', (_name, text, check) => {
    check(parseStat(text))
  })

  it.each(['ctxt lots\n', 'cpu0 1 2 x 4\n', 'softirq 1 2 three\n', 'btime 1e400\n'])('rejects %j with ParseError', (text) => {
    expect(() => parseStat(text)).toThrowError(ParseError)
  })
})
