import { Families } from '../metrics/families.ts'
import type { MetricType } from '../metrics/types.ts'
import { parseSoftnet } from '../procfs/softnet.ts'
import type { SoftnetRow } from '../procfs/softnet.ts'
import { readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'

const METRICS: readonly (readonly [field: Exclude<keyof SoftnetRow, 'cpu'>, name: string, type: MetricType, help: string])[] = [
  ['processed', 'node_softnet_processed_total', 'counter', 'Number of processed packets'],
  ['dropped', 'node_softnet_dropped_total', 'counter', 'Number of dropped packets'],
  ['timeSqueezed', 'node_softnet_times_squeezed_total', 'counter', 'Number of times processing packets ran out of quota'],
  ['cpuCollision', 'node_softnet_cpu_collision_total', 'counter', 'Number of collision occur while obtaining device lock while transmitting'],
  ['receivedRps', 'node_softnet_received_rps_total', 'counter', 'Number of times cpu woken up received_rps'],
  ['flowLimitCount', 'node_softnet_flow_limit_count_total', 'counter', 'Number of times flow limit has been reached'],
  ['backlogLen', 'node_softnet_backlog_len', 'gauge', 'Softnet backlog status'],
]

export const softnetCollector: CollectorEntry = {
  name: 'softnet',
  defaultEnabled: true,
  help: 'Exposes per-CPU softnet statistics from /proc/net/softnet_stat.',
  families: [...METRICS.map(([, name, type, help]) => ({ name, type, help }))],
  create: () => ({
    async collect(ctx) {
      const f = new Families()
      for (const row of parseSoftnet(await readOrNoData(ctx, ctx.fs.net('softnet_stat')))) {
        for (const [field, name, type, help] of METRICS) {
          f.add(name, type, help, { cpu: row.cpu }, row[field])
        }
      }
      return f.list()
    },
  }),
}
