import { flagBool } from '../config/config.ts'
import { Families } from '../metrics/families.ts'
import type { MetricType } from '../metrics/types.ts'
import { parseIntAutoBase, sysValue } from '../procfs/sysfs-value.ts'
import { compileFlagRegex } from './flag-regex.ts'
import { readOptional } from './read.ts'
import { sysClassDevices } from './sysfs-link.ts'
import type { CollectorEntry } from './types.ts'
import { regexpFlag } from './device-filter.ts'

/** Numeric /sys/class/net/<iface> attributes: metric suffix, file, type. speed is special. */
const ATTRIBUTES: readonly (readonly [metric: string, file: string, type: MetricType])[] = [
  ['address_assign_type', 'addr_assign_type', 'gauge'],
  ['carrier', 'carrier', 'gauge'],
  ['carrier_changes_total', 'carrier_changes', 'counter'],
  ['carrier_up_changes_total', 'carrier_up_count', 'counter'],
  ['carrier_down_changes_total', 'carrier_down_count', 'counter'],
  ['device_id', 'dev_id', 'gauge'],
  ['dormant', 'dormant', 'gauge'],
  ['flags', 'flags', 'gauge'],
  ['iface_id', 'ifindex', 'gauge'],
  ['iface_link', 'iflink', 'gauge'],
  ['iface_link_mode', 'link_mode', 'gauge'],
  ['mtu_bytes', 'mtu', 'gauge'],
  ['name_assign_type', 'name_assign_type', 'gauge'],
  ['net_dev_group', 'netdev_group', 'gauge'],
  ['transmit_queue_length', 'tx_queue_len', 'gauge'],
  ['protocol_type', 'type', 'gauge'],
]

const INFO_FILES = ['address', 'broadcast', 'duplex', 'operstate', 'ifalias'] as const

/** IFF_UP in the flags attribute. */
const IFF_UP = 1

function intOrUndefined(text: string | undefined, what: string): number | undefined {
  if (text === undefined) {
    return undefined
  }
  try {
    return parseIntAutoBase(text, what)
  } catch {
    return undefined
  }
}

/**
 * Network interface properties from /sys/class/net/<iface>. An attribute the driver does
 * not implement (EINVAL on read, as speed on a link that is down) is left out.
 */
export const netclassCollector: CollectorEntry = {
  name: 'netclass',
  defaultEnabled: true,
  help: 'Exposes network interface info from /sys/class/net/.',
  families: [
    { name: 'node_network_*_total', type: 'counter', help: 'Network device property: *_total' },
    { name: 'node_network_*', type: 'gauge', help: 'Network device property: *' },
    { name: 'node_network_info', type: 'gauge', help: 'Non-numeric data from /sys/class/net/<iface>, value is always 1.' },
    { name: 'node_network_up', type: 'gauge', help: "Value is 1 if operstate is 'up', 0 otherwise." },
  ],
  flags: [
    { name: 'collector.netclass.ignored-devices', kind: 'string', check: regexpFlag, default: '^$', help: 'Regexp of net devices to ignore for netclass collector.' },
    { name: 'collector.netclass.ignore-invalid-speed', kind: 'bool', default: false, help: 'Ignore devices where the speed is invalid. This will be the default behavior in 2.x.' },
  ],
  create({ config }) {
    const ignored = compileFlagRegex(config, 'collector.netclass.ignored-devices')
    const ignoreInvalidSpeed = flagBool(config, 'collector.netclass.ignore-invalid-speed')
    return {
      async collect(ctx) {
        const devices = await sysClassDevices(ctx, 'net')
        const f = new Families()
        for (const { name, dir } of devices) {
          if (ignored.test(name)) {
            continue
          }
          const read = async (file: string) => {
            const text = await readOptional(ctx, `${dir}/${file}`)
            return text === undefined ? undefined : sysValue(text)
          }
          const files = [...INFO_FILES, ...ATTRIBUTES.map(([, file]) => file), 'speed']
          const values = new Map(await Promise.all(files.map(async (file) => [file, await read(file)] as const)))
          const device = { device: name }
          const operstate = values.get('operstate') ?? ''
          f.gauge('node_network_up', "Value is 1 if operstate is 'up', 0 otherwise.", operstate === 'up' ? 1 : 0, device)
          const flags = intOrUndefined(values.get('flags'), `${dir}/flags`)
          const adminstate = flags === undefined ? 'unknown' : (flags & IFF_UP) === 1 ? 'up' : 'down'
          f.gauge('node_network_info', 'Non-numeric data from /sys/class/net/<iface>, value is always 1.', 1, {
            device: name,
            address: values.get('address') ?? '',
            broadcast: values.get('broadcast') ?? '',
            duplex: values.get('duplex') ?? '',
            operstate,
            adminstate,
            ifalias: values.get('ifalias') ?? '',
          })
          for (const [metric, file, type] of ATTRIBUTES) {
            const value = intOrUndefined(values.get(file), `${dir}/${file}`)
            if (value !== undefined) {
              f.add(`node_network_${metric}`, type, `Network device property: ${metric}`, device, value)
            }
          }
          const speed = intOrUndefined(values.get('speed'), `${dir}/speed`)
          if (speed !== undefined && (speed >= 0 || !ignoreInvalidSpeed)) {
            // Mbit/s to bytes/s with Go's int64 arithmetic (truncating division).
            f.gauge('node_network_speed_bytes', 'Network device property: speed_bytes', Math.trunc((speed * 1000 * 1000) / 8), device)
          }
        }
        return f.list()
      },
    }
  },
}
