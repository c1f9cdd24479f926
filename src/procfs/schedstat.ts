import { ParseError, lines } from './parse-error.ts'

export interface SchedstatCpu {
  readonly cpu: string
  readonly runningNanoseconds: number
  readonly waitingNanoseconds: number
  readonly timeslices: number
}

/**
 * Parses /proc/schedstat (version 15): "cpuN" lines carry nine counters; the last three
 * are time running, time waiting (ns) and timeslices. Domain and version lines are skipped.
 */
export function parseSchedstat(text: string): SchedstatCpu[] {
  const cpus: SchedstatCpu[] = []
  for (const row of lines(text)) {
    const fields = row.trim().split(/\s+/)
    const m = /^cpu(\d+)$/.exec(fields[0] as string)
    if (!m) {
      continue
    }
    if (fields.length < 10 || fields.slice(1, 10).some((f) => !/^\d+$/.test(f))) {
      throw new ParseError(`/proc/schedstat: malformed line ${JSON.stringify(row.slice(0, 60))}`)
    }
    cpus.push({
      cpu: m[1] as string,
      runningNanoseconds: Number(fields[7]),
      waitingNanoseconds: Number(fields[8]),
      timeslices: Number(fields[9]),
    })
  }
  return cpus
}
