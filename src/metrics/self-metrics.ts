import { readFileSync, readdirSync, statSync } from 'node:fs'
import { Families } from './families.ts'
import type { FamilyDecl } from './declared.ts'
import type { MetricFamily } from './types.ts'

const gauge = (name: string, help: string): FamilyDecl => ({ name, type: 'gauge', help })
const counter = (name: string, help: string): FamilyDecl => ({ name, type: 'counter', help })
const CPU_USER = counter('process_cpu_user_seconds_total', 'Total user CPU time spent in seconds.')
const CPU_SYSTEM = counter('process_cpu_system_seconds_total', 'Total system CPU time spent in seconds.')
const CPU = counter('process_cpu_seconds_total', 'Total user and system CPU time spent in seconds.')
const START_TIME = gauge('process_start_time_seconds', 'Start time of the process since unix epoch in seconds.')
const VIRTUAL = gauge('process_virtual_memory_bytes', 'Virtual memory size in bytes.')
const RESIDENT = gauge('process_resident_memory_bytes', 'Resident memory size in bytes.')
const OPEN_FDS = gauge('process_open_fds', 'Number of open file descriptors.')
const MAX_FDS = gauge('process_max_fds', 'Maximum number of open file descriptors.')
/** The agent's process_* families, prom-client's names and HELP. */
export const SELF_FAMILIES: readonly FamilyDecl[] = [CPU_USER, CPU_SYSTEM, CPU, START_TIME, VIRTUAL, RESIDENT, OPEN_FDS, MAX_FDS]

const CLOCK_TICKS = 100
const PAGE_SIZE = 4096

/**
 * The agent's own process_* metrics, with prom-client's names, read from /proc/self
 * (always the real /proc: these describe the agent, not the monitored host). Replaces
 * prom-client's default metrics, whose heap-space and event-loop probes are costly
 * under Bun.
 */
export function selfMetrics(bootTimeSeconds: number): MetricFamily[] {
  const f = new Families()
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const utime = Number(fields[11]) / CLOCK_TICKS
    const stime = Number(fields[12]) / CLOCK_TICKS
    f.put(CPU_USER, utime)
    f.put(CPU_SYSTEM, stime)
    f.put(CPU, utime + stime)
    const startTicks = Number(fields[19])
    if (bootTimeSeconds > 0) {
      f.put(START_TIME, bootTimeSeconds + startTicks / CLOCK_TICKS)
    }
    f.put(VIRTUAL, Number(fields[20]))
    f.put(RESIDENT, Number(fields[21]) * PAGE_SIZE)
  } catch {
    // Not on Linux or /proc hidden: the agent still serves host metrics.
  }
  try {
    f.put(OPEN_FDS, openFds('/proc/self/fd'))
    const limits = readFileSync('/proc/self/limits', 'utf8')
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(limits)
    if (m) {
      f.put(MAX_FDS, m[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(m[1]))
    }
  } catch {
    // as above
  }
  return f.list()
}

/**
 * Descriptors open in the process whose fd directory this is. Since Linux 6.2 the
 * directory's size is that count: one stat instead of listing every entry (about a tenth of
 * the cost for the agent's ~300 descriptors: docs/performance.md). Older kernels report 0:
 * the entries are counted then, less the descriptor the listing itself held open (as
 * prom-client does).
 */
export function openFds(fdDir: string, sizeOf: (dir: string) => number = (dir) => statSync(dir).size): number {
  const size = sizeOf(fdDir)
  return size > 0 ? size : readdirSync(fdDir).length - 1
}
