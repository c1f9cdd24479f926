import { Families } from '../metrics/families.ts'
import { arpEntriesByDevice, parseArp } from '../procfs/arp.ts'
import { deviceFilterFlags, deviceFilterFrom } from './device-filter.ts'
import { readOrNoData } from './read.ts'
import type { Collector } from './types.ts'

const PREFIX = 'collector.arp.device'

/**
 * node_exporter's arp with --no-collector.arp.netlink: entries of <procfs>/net/arp (or the
 * --path.netns-pid process's) counted per device, complete or not, as procfs'
 * GatherARPEntries. The kernel leaves NUD_NOARP neighbours out of that file, as
 * node_exporter's netlink path does.
 */
export const arpCollector: Collector = {
  name: 'arp',
  defaultEnabled: true,
  help: 'Exposes ARP statistics from /proc/net/arp.',
  flags: deviceFilterFlags(PREFIX, 'arp devices'),
  async collect(ctx) {
    const filter = deviceFilterFrom(ctx.config, PREFIX)
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
