import { Families } from '../metrics/families.ts'
import { parseSchedstat } from '../procfs/schedstat.ts'
import { readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'

export const schedstatCollector: CollectorEntry = {
  name: 'schedstat',
  defaultEnabled: true,
  help: 'Exposes scheduler statistics from /proc/schedstat.',
  families: [
    { name: 'node_schedstat_running_seconds_total', type: 'counter', help: 'Number of seconds CPU spent running a process.' },
    { name: 'node_schedstat_timeslices_total', type: 'counter', help: 'Number of timeslices executed by CPU.' },
    { name: 'node_schedstat_waiting_seconds_total', type: 'counter', help: 'Number of seconds spent by processing waiting for this CPU.' },
  ],
  create: () => ({
    async collect(ctx) {
      const f = new Families()
      for (const cpu of parseSchedstat(await readOrNoData(ctx, ctx.fs.proc('schedstat')))) {
        const labels = { cpu: cpu.cpu }
        f.counter('node_schedstat_running_seconds_total', 'Number of seconds CPU spent running a process.', cpu.runningNanoseconds / 1e9, labels)
        f.counter('node_schedstat_waiting_seconds_total', 'Number of seconds spent by processing waiting for this CPU.', cpu.waitingNanoseconds / 1e9, labels)
        f.counter('node_schedstat_timeslices_total', 'Number of timeslices executed by CPU.', cpu.timeslices, labels)
      }
      return f.list()
    },
  }),
}
