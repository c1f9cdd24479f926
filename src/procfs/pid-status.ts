import { ParseError, lineValue, num } from './parse-error.ts'

/** The fields of /proc/PID/status the agent uses. Memory is in bytes. */
export interface PidStatus {
  /** Real, effective, saved and filesystem uid. */
  readonly uids: readonly [number, number, number, number]
  readonly gids: readonly [number, number, number, number]
  /** Absent for kernel threads and zombies, which have no address space. */
  readonly vmSizeBytes?: number
  readonly vmRssBytes?: number
  readonly vmSwapBytes?: number
  readonly voluntaryCtxtSwitches?: number
  readonly nonvoluntaryCtxtSwitches?: number
}

function ids(value: string | undefined, what: string): [number, number, number, number] {
  const f = (value ?? '').trim().split(/\s+/)
  if (f.length < 4) {
    throw new ParseError(`couldn't parse ${what} in /proc/PID/status: expected 4 ids`)
  }
  return [num(f[0], what), num(f[1], what), num(f[2], what), num(f[3], what)]
}

function kb(value: string | undefined, what: string): number | undefined {
  if (value === undefined) {
    return undefined
  }
  const [n, unit] = value.trim().split(/\s+/)
  if (unit !== undefined && unit !== 'kB') {
    throw new ParseError(`couldn't parse ${what} in /proc/PID/status: unit ${JSON.stringify(unit)}`)
  }
  return num(n, what) * 1024
}

function count(value: string | undefined, what: string): number | undefined {
  return value === undefined ? undefined : num(value.trim(), what)
}

/** Parses /proc/PID/status ("Key:\tvalue" lines). Uid and Gid are required. */
export function parsePidStatus(text: string): PidStatus {
  const uid = lineValue(text, 'Uid')
  const gid = lineValue(text, 'Gid')
  if (uid === undefined || gid === undefined) {
    throw new ParseError(`couldn't parse /proc/PID/status: no Uid/Gid line in ${JSON.stringify(text.slice(0, 40))}`)
  }
  return {
    uids: ids(uid, 'Uid'),
    gids: ids(gid, 'Gid'),
    vmSizeBytes: kb(lineValue(text, 'VmSize'), 'VmSize'),
    vmRssBytes: kb(lineValue(text, 'VmRSS'), 'VmRSS'),
    vmSwapBytes: kb(lineValue(text, 'VmSwap'), 'VmSwap'),
    voluntaryCtxtSwitches: count(lineValue(text, 'voluntary_ctxt_switches'), 'voluntary_ctxt_switches'),
    nonvoluntaryCtxtSwitches: count(lineValue(text, 'nonvoluntary_ctxt_switches'), 'nonvoluntary_ctxt_switches'),
  }
}
