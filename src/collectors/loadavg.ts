import { Families } from '../metrics/families.ts'
import { parseLoadAvg } from '../procfs/loadavg.ts'
import type { CollectorEntry } from './types.ts'
import { readOrNoData } from './read.ts'

export const loadavgCollector: CollectorEntry = {
  name: 'loadavg',
  defaultEnabled: true,
  help: 'Exposes load average.',
  families: [
    { name: 'node_load1', type: 'gauge', help: '1m load average.' },
    { name: 'node_load15', type: 'gauge', help: '15m load average.' },
    { name: 'node_load5', type: 'gauge', help: '5m load average.' },
  ],
  create: () => ({
    async collect(ctx) {
      const load = parseLoadAvg(await readOrNoData(ctx, ctx.fs.proc('loadavg')))
      const f = new Families()
      f.gauge('node_load1', '1m load average.', load.load1)
      f.gauge('node_load5', '5m load average.', load.load5)
      f.gauge('node_load15', '15m load average.', load.load15)
      return f.list()
    },
  }),
}
