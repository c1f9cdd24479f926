import { lines, num } from './parse-error.ts'

/** USER_HZ: /proc/stat counts CPU time in 1/100 s on every Linux architecture. */
export const USER_HZ = 100

/** CPU time in seconds, /proc/stat column order. */
export interface CpuTimes {
  readonly user: number
  readonly nice: number
  readonly system: number
  readonly idle: number
  readonly iowait: number
  readonly irq: number
  readonly softirq: number
  readonly steal: number
  readonly guest: number
  readonly guestNice: number
}

export const CPU_TIME_FIELDS = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal', 'guest', 'guestNice'] as const

/** The `softirq` line's vectors, as node_exporter labels them. */
export const SOFTIRQ_VECTORS = ['hi', 'timer', 'net_tx', 'net_rx', 'block', 'block_iopoll', 'tasklet', 'sched', 'hrtimer', 'rcu'] as const

export interface ProcStat {
  readonly total?: CpuTimes
  /** Per-CPU times keyed by CPU number (offline CPUs are absent from the file). */
  readonly cpus: ReadonlyMap<number, CpuTimes>
  readonly intr?: number
  readonly ctxt?: number
  readonly btime?: number
  readonly processes?: number
  readonly procsRunning?: number
  readonly procsBlocked?: number
  readonly softirqTotal?: number
  /** Calls per vector, in SOFTIRQ_VECTORS order; a kernel with fewer vectors gives fewer. */
  readonly softirqs: ReadonlyMap<string, number>
}

const SCALARS: Readonly<Record<string, 'intr' | 'ctxt' | 'btime' | 'processes' | 'procsRunning' | 'procsBlocked'>> = {
  intr: 'intr',
  ctxt: 'ctxt',
  btime: 'btime',
  processes: 'processes',
  procs_running: 'procsRunning',
  procs_blocked: 'procsBlocked',
}

/**
 * Parses /proc/stat. Unknown lines are ignored; a CPU line with fewer than the four
 * columns every kernel has is skipped (missing later columns, from older kernels, are 0);
 * a non-numeric value throws ParseError naming the line.
 */
export function parseStat(text: string): ProcStat {
  const cpus = new Map<number, CpuTimes>()
  const softirqs = new Map<string, number>()
  const scalars: Partial<Record<(typeof SCALARS)[string], number>> = {}
  let total: CpuTimes | undefined
  let softirqTotal: number | undefined
  for (const line of lines(text)) {
    const parts = line.trim().split(/\s+/)
    const key = parts[0] ?? ''
    if (parts.length < 2) {
      continue
    }
    const cpu = /^cpu(\d*)$/.exec(key)
    if (cpu) {
      const times = parseCpuTimes(parts.slice(1), key)
      if (!times) {
        continue
      }
      if (cpu[1] === '') {
        total = times
      } else {
        cpus.set(Number(cpu[1]), times)
      }
      continue
    }
    const scalar = SCALARS[key]
    if (scalar) {
      scalars[scalar] = num(parts[1], `${key} in /proc/stat`)
      continue
    }
    if (key === 'softirq') {
      softirqTotal = num(parts[1], 'softirq total in /proc/stat')
      SOFTIRQ_VECTORS.forEach((vector, i) => {
        const field = parts[i + 2]
        if (field !== undefined) {
          softirqs.set(vector, num(field, `softirq ${vector} in /proc/stat`))
        }
      })
    }
  }
  return { total, cpus, softirqTotal, softirqs, ...scalars }
}

function parseCpuTimes(fields: string[], key: string): CpuTimes | undefined {
  if (fields.length < 4) {
    return undefined
  }
  const seconds = CPU_TIME_FIELDS.map((name, i) => {
    const field = fields[i]
    return field === undefined ? 0 : num(field, `${name} of ${key} in /proc/stat`) / USER_HZ
  })
  const [user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice] = seconds as [number, number, number, number, number, number, number, number, number, number]
  return { user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice }
}
