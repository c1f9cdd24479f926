import { Families } from '../metrics/families.ts'
import { parseConntrackStat } from '../procfs/conntrack.ts'
import { parseDecimal, sysValue } from '../procfs/sysfs-value.ts'
import { readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'

/** Columns of /proc/net/stat/nf_conntrack node_exporter exports (summed over CPUs). */
const STAT_COLUMNS: readonly (readonly [column: string, help: string])[] = [
  ['found', 'Number of searched entries which were successful.'],
  ['invalid', 'Number of packets seen which can not be tracked.'],
  ['ignore', 'Number of packets seen which are already connected to a conntrack entry.'],
  ['insert', 'Number of entries inserted into the list.'],
  ['insert_failed', 'Number of entries for which list insertion was attempted but failed.'],
  ['drop', 'Number of packets dropped due to conntrack failure.'],
  ['early_drop', 'Number of dropped conntrack entries to make room for new ones, if maximum table size was reached.'],
  ['search_restart', 'Number of conntrack table lookups which had to be restarted due to hashtable resizes.'],
]

/** Connection tracking (nf_conntrack module). Absent module: no data. */
export const conntrackCollector: CollectorEntry = {
  name: 'conntrack',
  defaultEnabled: true,
  help: 'Exposes conntrack table size and statistics from /proc (nf_conntrack loaded).',
  families: [
    // The stat columns table, then what no table holds.
    ...STAT_COLUMNS.map(([column, help]) => ({ name: `node_nf_conntrack_stat_${column}`, type: 'gauge' as const, help })),
    { name: 'node_nf_conntrack_entries', type: 'gauge', help: 'Number of currently allocated flow entries for connection tracking.' },
    { name: 'node_nf_conntrack_entries_limit', type: 'gauge', help: 'Maximum size of connection tracking table.' },
  ],
  create: () => ({
    async collect(ctx) {
      const readInt = async (file: string) => {
        const path = ctx.fs.proc('sys', 'net', 'netfilter', file)
        return parseDecimal(sysValue(await readOrNoData(ctx, path)), path)
      }
      const f = new Families()
      f.gauge('node_nf_conntrack_entries', 'Number of currently allocated flow entries for connection tracking.', await readInt('nf_conntrack_count'))
      f.gauge('node_nf_conntrack_entries_limit', 'Maximum size of connection tracking table.', await readInt('nf_conntrack_max'))
      const totals = parseConntrackStat(await readOrNoData(ctx, ctx.fs.net('stat', 'nf_conntrack')))
      for (const [column, help] of STAT_COLUMNS) {
        const value = totals.get(column)
        if (value !== undefined) {
          f.gauge(`node_nf_conntrack_stat_${column}`, help, value)
        }
      }
      return f.list()
    },
  }),
}
