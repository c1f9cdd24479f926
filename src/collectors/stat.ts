import { flagBool } from '../config/config.ts'
import { Families } from '../metrics/families.ts'
import { parseStat } from '../procfs/stat.ts'
import type { ProcStat } from '../procfs/stat.ts'
import { readOrNoData } from './read.ts'
import type { CollectContext, CollectorEntry } from './types.ts'

/** /proc/stat read and parsed once per sampler tick (the cpu and stat collectors share it). */
export function readProcStat(ctx: CollectContext): Promise<ProcStat> {
  return ctx.shared('procfs:stat', async () => parseStat(await readOrNoData(ctx, ctx.fs.proc('stat'))))
}

/** Families of /proc/stat's scalar lines: [key in ProcStat, metric, type, help]. */
const SCALARS = [
  ['intr', 'node_intr_total', 'counter', 'Total number of interrupts serviced.'],
  ['ctxt', 'node_context_switches_total', 'counter', 'Total number of context switches.'],
  ['processes', 'node_forks_total', 'counter', 'Total number of forks.'],
  ['btime', 'node_boot_time_seconds', 'gauge', 'Node boot time, in unixtime.'],
  ['procsRunning', 'node_procs_running', 'gauge', 'Number of processes in runnable state.'],
  ['procsBlocked', 'node_procs_blocked', 'gauge', 'Number of processes blocked waiting for I/O to complete.'],
] as const

export const statCollector: CollectorEntry = {
  name: 'stat',
  defaultEnabled: true,
  help: 'Exposes various statistics from /proc/stat. This includes boot time, forks and interrupts.',
  families: [
    // The scalars table, then what no table holds.
    ...SCALARS.map(([, name, type, help]) => ({ name, type, help })),
    { name: 'node_softirqs_total', type: 'counter', help: 'Number of softirq calls.' },
  ],
  flags: [
    // On by default here (node_exporter: off): node_softirqs_total is part of the stat
    // family node_exporter's fixture output expects; 10 series. See docs/host-collectors.md.
    { name: 'collector.stat.softirq', kind: 'bool', default: true, help: 'Export softirq calls per vector (node_softirqs_total).' },
  ],
  create({ config }) {
    const softirq = flagBool(config, 'collector.stat.softirq')
    return {
      async collect(ctx) {
        const stat = await readProcStat(ctx)
        const f = new Families()
        for (const [key, name, type, help] of SCALARS) {
          const value = stat[key]
          if (value !== undefined) {
            f.add(name, type, help, {}, value)
          }
        }
        if (softirq) {
          for (const [vector, value] of stat.softirqs) {
            f.counter('node_softirqs_total', 'Number of softirq calls.', value, { vector })
          }
        }
        return f.list()
      },
    }
  },
}
