import { readFileSync, readdirSync } from 'node:fs'

export interface ChildProc {
  pid: number
  state: string
}

/** Children of this process, from /proc/<pid>/stat (state Z = zombie, not yet reaped). */
export function childrenOf(ppid = process.pid): ChildProc[] {
  const out: ChildProc[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) {
      continue
    }
    let stat: string
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8')
    } catch {
      continue
    }
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (Number(rest[1]) === ppid) {
      out.push({ pid: Number(name), state: rest[0] ?? '?' })
    }
  }
  return out
}

export function openFds(): number {
  return readdirSync('/proc/self/fd').length
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
