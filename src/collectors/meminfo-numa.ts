import { Families } from '../metrics/families.ts'
import { parseNodeMeminfo, parseNumastat } from '../procfs/meminfo-numa.ts'
import { listOrNoData, readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'
import { NoDataError } from './types.ts'

/**
 * node_exporter's meminfo_numa: per NUMA node, /sys/devices/system/node/nodeN/meminfo as
 * node_memory_numa_<Field> gauges (bytes) and numastat as node_memory_numa_<field>_total
 * counters, labelled {node}.
 */
export const meminfoNumaCollector: CollectorEntry = {
  name: 'meminfo_numa',
  // On by default here (node_exporter: off): a handful of files per NUMA node; see
  // docs/host-collectors.md.
  defaultEnabled: true,
  help: 'Exposes memory statistics from /sys/devices/system/node/node[0-9]*/{meminfo,numastat}.',
  families: [
    { name: 'node_memory_numa_*_total', type: 'counter', help: 'Memory information field *_total.' },
    { name: 'node_memory_numa_*', type: 'gauge', help: 'Memory information field *.' },
  ],
  create: () => ({
    async collect(ctx) {
      const root = ctx.fs.sys('devices/system/node')
      const entries = await listOrNoData(ctx, root)
      const nodes = entries.filter((n) => /^node\d+$/.test(n)).sort()
      if (nodes.length === 0) {
        throw new NoDataError(`no NUMA node directories in ${root}`)
      }
      const perNode = await Promise.all(
        nodes.map(async (dir) => {
          const [meminfo, numastat] = await Promise.all([
            readOrNoData(ctx, ctx.fs.sys('devices/system/node', dir, 'meminfo')),
            readOrNoData(ctx, ctx.fs.sys('devices/system/node', dir, 'numastat')),
          ])
          return { gauges: parseNodeMeminfo(meminfo), counters: parseNumastat(numastat, dir.slice(4)) }
        }),
      )
      const f = new Families()
      for (const { gauges, counters } of perNode) {
        for (const { node, name, value } of gauges) {
          f.gauge(`node_memory_numa_${name}`, `Memory information field ${name}.`, value, { node })
        }
        for (const { node, name, value } of counters) {
          f.counter(`node_memory_numa_${name}`, `Memory information field ${name}.`, value, { node })
        }
      }
      return f.list()
    },
  }),
}
