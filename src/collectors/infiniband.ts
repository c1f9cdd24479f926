import { Families } from '../metrics/families.ts'
import { errorCode } from '../platform/host-fs.ts'
import { parseCounter, parsePortNumber, parsePortRate, parsePortState } from '../procfs/infiniband.ts'
import { sysValue } from '../procfs/sysfs-value.ts'
import { readIfPresent, readRequired, readUnless } from './read.ts'
import { sysClassDevices } from './sysfs-link.ts'
import type { CollectorEntry, CollectContext } from './types.ts'

interface CounterSpec {
  /** counters_ext holds the 64-bit counters of kernels before 4.5 (the legacy_* metrics). */
  readonly dir: 'counters' | 'counters_ext'
  readonly file: string
  readonly metric: string
  readonly help: string
  /** port_*_data counters count 4-octet words (per lane, Mellanox): times 4 for octets. */
  readonly scale: number
}

const spec = (dir: CounterSpec['dir'], file: string, metric: string, help: string, scale = 1): CounterSpec => ({ dir, file, metric: `node_infiniband_${metric}`, help, scale })

/** node_exporter's counters, in its order. hw_counters are not exported by node_exporter. */
const COUNTERS: readonly CounterSpec[] = [
  spec('counters_ext', 'port_multicast_rcv_packets', 'legacy_multicast_packets_received_total', 'Number of multicast packets received'),
  spec('counters_ext', 'port_multicast_xmit_packets', 'legacy_multicast_packets_transmitted_total', 'Number of multicast packets transmitted'),
  spec('counters_ext', 'port_rcv_data_64', 'legacy_data_received_bytes_total', 'Number of data octets received on all links', 4),
  spec('counters_ext', 'port_rcv_packets_64', 'legacy_packets_received_total', 'Number of data packets received on all links'),
  spec('counters_ext', 'port_unicast_rcv_packets', 'legacy_unicast_packets_received_total', 'Number of unicast packets received'),
  spec('counters_ext', 'port_unicast_xmit_packets', 'legacy_unicast_packets_transmitted_total', 'Number of unicast packets transmitted'),
  spec('counters_ext', 'port_xmit_data_64', 'legacy_data_transmitted_bytes_total', 'Number of data octets transmitted on all links', 4),
  // sic: node_exporter's help text says "received" for the transmitted packets too.
  spec('counters_ext', 'port_xmit_packets_64', 'legacy_packets_transmitted_total', 'Number of data packets received on all links'),
  spec(
    'counters',
    'excessive_buffer_overrun_errors',
    'excessive_buffer_overrun_errors_total',
    'Number of times that OverrunErrors consecutive flow control update periods occurred, each having at least one overrun error.',
  ),
  spec('counters', 'link_downed', 'link_downed_total', 'Number of times the link failed to recover from an error state and went down'),
  spec('counters', 'link_error_recovery', 'link_error_recovery_total', 'Number of times the link successfully recovered from an error state'),
  spec(
    'counters',
    'local_link_integrity_errors',
    'local_link_integrity_errors_total',
    'Number of times that the count of local physical errors exceeded the threshold specified by LocalPhyErrors.',
  ),
  spec('counters', 'multicast_rcv_packets', 'multicast_packets_received_total', 'Number of multicast packets received (including errors)'),
  spec('counters', 'multicast_xmit_packets', 'multicast_packets_transmitted_total', 'Number of multicast packets transmitted (including errors)'),
  spec('counters', 'port_rcv_constraint_errors', 'port_constraint_errors_received_total', 'Number of packets received on the switch physical port that are discarded'),
  spec('counters', 'port_xmit_constraint_errors', 'port_constraint_errors_transmitted_total', 'Number of packets not transmitted from the switch physical port'),
  spec('counters', 'port_rcv_data', 'port_data_received_bytes_total', 'Number of data octets received on all links', 4),
  spec('counters', 'port_xmit_data', 'port_data_transmitted_bytes_total', 'Number of data octets transmitted on all links', 4),
  spec('counters', 'port_rcv_discards', 'port_discards_received_total', 'Number of inbound packets discarded by the port because the port is down or congested'),
  spec('counters', 'port_xmit_discards', 'port_discards_transmitted_total', 'Number of outbound packets discarded by the port because the port is down or congested'),
  spec('counters', 'port_rcv_errors', 'port_errors_received_total', 'Number of packets containing an error that were received on this port'),
  spec('counters', 'port_rcv_packets', 'port_packets_received_total', 'Number of packets received on all VLs by this port (including errors)'),
  spec('counters', 'port_xmit_packets', 'port_packets_transmitted_total', 'Number of packets transmitted on all VLs from this port (including errors)'),
  spec('counters', 'port_xmit_wait', 'port_transmit_wait_total', 'Number of ticks during which the port had data to transmit but no data was sent during the entire tick'),
  spec('counters', 'unicast_rcv_packets', 'unicast_packets_received_total', 'Number of unicast packets received (including errors)'),
  spec('counters', 'unicast_xmit_packets', 'unicast_packets_transmitted_total', 'Number of unicast packets transmitted (including errors)'),
  spec(
    'counters',
    'port_rcv_remote_physical_errors',
    'port_receive_remote_physical_errors_total',
    'Number of packets marked with the EBP (End of Bad Packet) delimiter received on the port.',
  ),
  spec('counters', 'port_rcv_switch_relay_errors', 'port_receive_switch_relay_errors_total', 'Number of packets that could not be forwarded by the switch.'),
  spec('counters', 'symbol_error', 'symbol_error_total', 'Number of minor link errors detected on one or more physical lanes.'),
  spec('counters', 'VL15_dropped', 'vl15_dropped_total', 'Number of incoming VL15 packets dropped due to resource limitations.'),
]

const BY_DIR = {
  counters: new Map(COUNTERS.filter((c) => c.dir === 'counters').map((c) => [c.file, c])),
  counters_ext: new Map(COUNTERS.filter((c) => c.dir === 'counters_ext').map((c) => [c.file, c])),
} as const

/** Read errors procfs skips a counter for (absent, forbidden, unsupported; EISDIR: not a regular file). */
const SKIPPED_READ_ERRORS: ReadonlySet<string> = new Set(['ENOENT', 'EACCES', 'EPERM', 'EOPNOTSUPP', 'ENOTSUP', 'EINVAL', 'EISDIR'])

const STATE_HELP = 'State of the InfiniBand port (0: no change, 1: down, 2: init, 3: armed, 4: active, 5: act defer)'
const PHYS_STATE_HELP = 'Physical state of the InfiniBand port (0: no change, 1: sleep, 2: polling, 3: disable, 4: shift, 5: link up, 6: link error recover, 7: phytest)'
const INFO_HELP = 'Non-numeric data from /sys/class/infiniband/<device>, value is always 1.'

/** A device attribute only some drivers expose (board_id, hca_type): '' when absent. */
async function readAttribute(ctx: CollectContext, path: string): Promise<string> {
  return sysValue((await readIfPresent(ctx, path)) ?? '')
}

/** Entries of a counter directory; undefined when it does not exist. */
async function listCounters(ctx: CollectContext, dir: string): Promise<string[] | undefined> {
  try {
    return await ctx.fs.readdir(dir)
  } catch (err) {
    if (errorCode(err) === 'ENOENT') {
      return undefined
    }
    throw new Error(`couldn't list InfiniBand counters at ${dir}: ${(err as Error).message}`, { cause: err })
  }
}

/** Parses the known counters of one directory into `into`; false when the directory is absent. */
async function readCounters(ctx: CollectContext, portDir: string, dir: CounterSpec['dir'], into: Map<CounterSpec, number>): Promise<boolean> {
  const path = `${portDir}/${dir}`
  const names = await listCounters(ctx, path)
  if (names === undefined) {
    return false
  }
  const known = BY_DIR[dir]
  await Promise.all(
    names.map(async (name) => {
      const counter = known.get(name)
      if (counter === undefined) {
        return
      }
      const file = `${path}/${name}`
      const text = await readUnless(ctx, file, SKIPPED_READ_ERRORS)
      if (text === undefined) {
        return
      }
      const value = parseCounter(sysValue(text), counter.scale, file)
      if (value !== undefined) {
        into.set(counter, value)
      }
    }),
  )
  return true
}

interface Port {
  readonly port: number
  readonly state: number
  readonly physState: number
  readonly rate: number
  readonly counters: ReadonlyMap<CounterSpec, number>
}

async function readPort(ctx: CollectContext, portsDir: string, name: string): Promise<Port> {
  const port = parsePortNumber(name, `${portsDir}/${name}`)
  const dir = `${portsDir}/${name}`
  const [state, physState, rate] = await Promise.all([readRequired(ctx, `${dir}/state`), readRequired(ctx, `${dir}/phys_state`), readRequired(ctx, `${dir}/rate`)])
  const counters = new Map<CounterSpec, number>()
  // counters_ext is read only beside counters, as procfs does.
  if (await readCounters(ctx, dir, 'counters', counters)) {
    await readCounters(ctx, dir, 'counters_ext', counters)
  }
  return {
    port,
    state: parsePortState(state, `${dir}/state`).id,
    physState: parsePortState(physState, `${dir}/phys_state`).id,
    rate: parsePortRate(rate, `${dir}/rate`),
    counters,
  }
}

/**
 * InfiniBand and OmniPath ports from /sys/class/infiniband/<device>/ports/<port>. As in
 * node_exporter, a device or port that cannot be read or parsed fails the whole run; a
 * counter the kernel reports as "N/A (no PMA)" or cannot read is left out.
 */
export const infinibandCollector: CollectorEntry = {
  name: 'infiniband',
  defaultEnabled: true,
  help: 'Exposes network statistics specific to InfiniBand and Intel OmniPath configurations.',
  families: [
    // The counter table, then what no table holds.
    ...COUNTERS.map((c) => ({ name: c.metric, type: 'counter' as const, help: c.help })),
    { name: 'node_infiniband_info', type: 'gauge', help: INFO_HELP },
    { name: 'node_infiniband_physical_state_id', type: 'gauge', help: PHYS_STATE_HELP },
    { name: 'node_infiniband_rate_bytes_per_second', type: 'gauge', help: 'Maximum signal transfer rate' },
    { name: 'node_infiniband_state_id', type: 'gauge', help: STATE_HELP },
  ],
  create: () => ({
    async collect(ctx) {
      const devices = await sysClassDevices(ctx, 'infiniband')
      const f = new Families()
      for (const { name: device, dir } of devices) {
        // fw_ver is exposed by every driver since Linux 4.10: required, as in procfs.
        const firmware = sysValue(await readRequired(ctx, `${dir}/fw_ver`))
        const [boardId, hcaType] = await Promise.all([readAttribute(ctx, `${dir}/board_id`), readAttribute(ctx, `${dir}/hca_type`)])
        const portsDir = `${dir}/ports`
        let portNames: string[]
        try {
          portNames = await ctx.fs.readdir(portsDir)
        } catch (err) {
          throw new Error(`failed to list InfiniBand ports at ${portsDir}: ${(err as Error).message}`, { cause: err })
        }
        const byNumber = new Map<number, Port>()
        for (const port of await Promise.all(portNames.map((name) => readPort(ctx, portsDir, name)))) {
          byNumber.set(port.port, port)
        }
        f.gauge('node_infiniband_info', INFO_HELP, 1, { device, board_id: boardId, firmware_version: firmware, hca_type: hcaType })
        for (const p of [...byNumber.values()].sort((a, b) => a.port - b.port)) {
          const labels = { device, port: String(p.port) }
          f.gauge('node_infiniband_state_id', STATE_HELP, p.state, labels)
          f.gauge('node_infiniband_physical_state_id', PHYS_STATE_HELP, p.physState, labels)
          f.gauge('node_infiniband_rate_bytes_per_second', 'Maximum signal transfer rate', p.rate, labels)
          for (const counter of COUNTERS) {
            const value = p.counters.get(counter)
            if (value !== undefined) {
              f.counter(counter.metric, counter.help, value, labels)
            }
          }
        }
      }
      return f.list()
    },
  }),
}
