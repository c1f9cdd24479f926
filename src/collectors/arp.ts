import { Families } from '../metrics/families.ts'
import { arpEntriesByDevice, parseArp } from '../procfs/arp.ts'
import { deviceFilterFlags, deviceFilterFrom } from './device-filter.ts'
import { readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'

const PREFIX = 'collector.arp.device'

/**
 * node_exporter's arp: entries of <procfs>/net/arp (or the --path.netns-pid process's)
 * counted per device, complete or not, as procfs' GatherARPEntries. node_exporter's
 * default asks rtnetlink for the same table of its own network namespace; <procfs>/net is
 * the reading process's namespace too, and the kernel leaves NUD_NOARP neighbours out of
 * the file as the netlink path skips them, so --collector.arp.netlink is accepted (a unit
 * file written for node_exporter keeps working) and both settings read the file.
 */
export const arpCollector: CollectorEntry = {
  name: 'arp',
  defaultEnabled: true,
  help: 'Exposes ARP statistics from /proc/net/arp.',
  families: [{ name: 'node_arp_entries', type: 'gauge', help: 'ARP entries by device' }],
  flags: [
    ...deviceFilterFlags(PREFIX, 'arp devices'),
    {
      name: 'collector.arp.netlink',
      kind: 'bool',
      default: true,
      help: "Accepted for node_exporter compatibility: either way the agent counts <procfs>/net/arp, the same neighbour table node_exporter's netlink query returns.",
    },
  ],
  create({ config }) {
    const filter = deviceFilterFrom(config, PREFIX)
    return {
      async collect(ctx) {
        const path = ctx.fs.net('arp')
        const counts = arpEntriesByDevice(parseArp(await readOrNoData(ctx, path), path))
        const f = new Families()
        for (const [device, count] of counts) {
          if (!filter.ignored(device)) {
            f.gauge('node_arp_entries', 'ARP entries by device', count, { device })
          }
        }
        return f.list()
      },
    }
  },
}
