import { Families } from '../metrics/families.ts'
import { parseDecimal, sysValue } from '../procfs/sysfs-value.ts'
import { readOptional } from './read.ts'
import { sysClassDevices, resolveDir } from './sysfs-link.ts'
import type { CollectorEntry, CollectContext } from './types.ts'

/** nvme0n1 (direct) or nvme0c0n1 (multipath controller path): the namespace id. */
const NAMESPACE = /^nvme\d+(?:c\d+)?n(\d+)$/

async function attr(ctx: CollectContext, path: string): Promise<string | undefined> {
  const text = await readOptional(ctx, path)
  return text === undefined ? undefined : sysValue(text)
}

function intAttr(text: string | undefined, what: string): number | undefined {
  try {
    return text === undefined ? undefined : parseDecimal(text, what)
  } catch {
    return undefined
  }
}

/** NVMe controllers and their namespaces from /sys/class/nvme. */
export const nvmeCollector: CollectorEntry = {
  name: 'nvme',
  defaultEnabled: true,
  help: 'Exposes NVMe controller info and namespace sizes from /sys/class/nvme/.',
  families: [
    { name: 'node_nvme_info', type: 'gauge', help: 'Non-numeric data from /sys/class/nvme/<device>, value is always 1.' },
    { name: 'node_nvme_namespace_capacity_bytes', type: 'gauge', help: 'Capacity of the NVMe namespace in bytes. Computed as namespace_size * namespace_logical_block_size' },
    { name: 'node_nvme_namespace_info', type: 'gauge', help: 'Information about NVMe namespaces. Value is always 1' },
    {
      name: 'node_nvme_namespace_logical_block_size_bytes',
      type: 'gauge',
      help: 'Logical block size of the NVMe namespace in bytes. Usually 4Kb. Available in /sys/class/nvme/<device>/<namespace>/queue/logical_block_size',
    },
    { name: 'node_nvme_namespace_size_bytes', type: 'gauge', help: 'Size of the NVMe namespace in bytes. Available in /sys/class/nvme/<device>/<namespace>/size' },
    { name: 'node_nvme_namespace_used_bytes', type: 'gauge', help: 'Used space of the NVMe namespace in bytes. Available in /sys/class/nvme/<device>/<namespace>/nuse' },
  ],
  create: () => ({
    async collect(ctx) {
      const devices = await sysClassDevices(ctx, 'nvme')
      const f = new Families()
      for (const { name: device, dir } of devices) {
        const [serial, model, state, firmware, cntlid] = await Promise.all(['serial', 'model', 'state', 'firmware_rev', 'cntlid'].map((file) => attr(ctx, `${dir}/${file}`)))
        f.gauge('node_nvme_info', 'Non-numeric data from /sys/class/nvme/<device>, value is always 1.', 1, {
          device,
          firmware_revision: firmware ?? '',
          model: model ?? '',
          serial: serial ?? '',
          state: state ?? '',
          cntlid: cntlid ?? '',
        })
        for (const entry of (await ctx.fs.readdir(dir)).sort()) {
          const nsid = NAMESPACE.exec(entry)?.[1]
          const nsDir = nsid === undefined ? undefined : await resolveDir(ctx, `${dir}/${entry}`)
          if (nsid === undefined || nsDir === undefined) {
            continue
          }
          const [ana, sizeText, nuseText, lbsText] = await Promise.all(['ana_state', 'size', 'nuse', 'queue/logical_block_size'].map((file) => attr(ctx, `${nsDir}/${file}`)))
          const labels = { device, nsid }
          f.gauge('node_nvme_namespace_info', 'Information about NVMe namespaces. Value is always 1', 1, { ...labels, ana_state: ana ?? 'unknown' })
          const size = intAttr(sizeText, `${nsDir}/size`)
          const nuse = intAttr(nuseText, `${nsDir}/nuse`)
          const lbs = intAttr(lbsText, `${nsDir}/queue/logical_block_size`)
          if (lbs === undefined) {
            continue
          }
          f.gauge(
            'node_nvme_namespace_logical_block_size_bytes',
            'Logical block size of the NVMe namespace in bytes. Usually 4Kb. Available in /sys/class/nvme/<device>/<namespace>/queue/logical_block_size',
            lbs,
            labels,
          )
          if (size !== undefined) {
            f.gauge('node_nvme_namespace_size_bytes', 'Size of the NVMe namespace in bytes. Available in /sys/class/nvme/<device>/<namespace>/size', size * lbs, labels)
            f.gauge('node_nvme_namespace_capacity_bytes', 'Capacity of the NVMe namespace in bytes. Computed as namespace_size * namespace_logical_block_size', size * lbs, labels)
          }
          if (nuse !== undefined) {
            f.gauge('node_nvme_namespace_used_bytes', 'Used space of the NVMe namespace in bytes. Available in /sys/class/nvme/<device>/<namespace>/nuse', nuse * lbs, labels)
          }
        }
      }
      return f.list()
    },
  }),
}
