import { ParseError, num } from './parse-error.ts'

/** The fields of /proc/PID/stat the agent uses. Times are in clock ticks (USER_HZ). */
export interface PidStat {
  readonly pid: number
  /** The second field without its parentheses; may hold spaces, `(` and `)`. */
  readonly comm: string
  readonly state: string
  readonly ppid: number
  readonly flags: number
  readonly minflt: number
  readonly majflt: number
  readonly utime: number
  readonly stime: number
  readonly numThreads: number
  /** Ticks after boot at which the process started. */
  readonly starttime: number
  readonly vsize: number
  /** Resident set in pages. */
  readonly rss: number
  /**
   * `arg_start:arg_end` (fields 48-49, Linux 3.5+): where argv sits in memory. An exec
   * moves it (a new, randomised stack), so it tells an exec that kept the comm (`sh` running
   * `sh`) from a process that only ran. "0:0" where ptrace access is denied; absent on old kernels.
   */
  readonly argSpan?: string
}

/** PF_KTHREAD in the per-process flags word: the task is a kernel thread. */
export const PF_KTHREAD = 0x00200000

/** Fields after the closing parenthesis that must be present (up to rss). */
const MIN_FIELDS_AFTER_COMM = 22

/**
 * Parses /proc/PID/stat. The command name sits between the first `(` and the last `)`,
 * because a process may name itself `a) (b` or anything else without a NUL.
 */
export function parsePidStat(text: string): PidStat {
  const open = text.indexOf('(')
  const close = text.lastIndexOf(')')
  if (open < 1 || close < open) {
    throw new ParseError(`couldn't parse /proc/PID/stat: no "(comm)" in ${JSON.stringify(text.slice(0, 40))}`)
  }
  const pid = num(text.slice(0, open).trim(), 'pid in /proc/PID/stat')
  const f = text
    .slice(close + 1)
    .trim()
    .split(/\s+/)
  if (f.length < MIN_FIELDS_AFTER_COMM) {
    throw new ParseError(`couldn't parse /proc/${pid}/stat: expected at least ${MIN_FIELDS_AFTER_COMM} fields after comm, got ${f.length}`)
  }
  const field = (i: number, what: string) => num(f[i], `${what} in /proc/${pid}/stat`)
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: f[0] as string,
    ppid: field(1, 'ppid'),
    flags: field(6, 'flags'),
    minflt: field(7, 'minflt'),
    majflt: field(9, 'majflt'),
    utime: field(11, 'utime'),
    stime: field(12, 'stime'),
    numThreads: field(17, 'num_threads'),
    starttime: field(19, 'starttime'),
    vsize: field(20, 'vsize'),
    rss: field(21, 'rss'),
    ...(f.length > 46 ? { argSpan: `${f[45]}:${f[46]}` } : {}),
  }
}

/** True for kernel threads (flag PF_KTHREAD, or kthreadd and its children). */
export function isKernelThread(stat: PidStat): boolean {
  // flags above 2^53 lose low bits as a double; use division for the bit test.
  return Math.floor(stat.flags / PF_KTHREAD) % 2 === 1 || stat.pid === 2 || stat.ppid === 2
}
