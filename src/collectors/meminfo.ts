import { Families } from '../metrics/families.ts'
import { parseMeminfo } from '../procfs/meminfo.ts'
import { readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'

/** node_exporter's meminfo: one gauge per /proc/meminfo line, node_memory_<Field>[_bytes]. */
export const meminfoCollector: CollectorEntry = {
  name: 'meminfo',
  defaultEnabled: true,
  help: 'Exposes memory statistics.',
  families: [
    { name: 'node_memory_*_total', type: 'counter', help: 'Memory information field *_total.' },
    { name: 'node_memory_*', type: 'gauge', help: 'Memory information field *.' },
  ],
  create: () => ({
    async collect(ctx) {
      const fields = parseMeminfo(await readOrNoData(ctx, ctx.fs.proc('meminfo')))
      const f = new Families()
      for (const { name, value } of fields) {
        f.add(`node_memory_${name}`, name.endsWith('_total') ? 'counter' : 'gauge', `Memory information field ${name}.`, {}, value)
      }
      return f.list()
    },
  }),
}
