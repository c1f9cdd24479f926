import { flagString } from '../config/config.ts'
import { Families } from '../metrics/families.ts'
import { parseIpvsBackends, parseIpvsStats } from '../procfs/ipvs.ts'
import type { IpvsBackend } from '../procfs/ipvs.ts'
import { readOrNoData, readRequired } from './read.ts'
import type { CollectorEntry } from './types.ts'

/** The backend labels in node_exporter's order, which is also the flag's default. */
export const IPVS_BACKEND_LABELS = ['local_address', 'local_port', 'remote_address', 'remote_port', 'proto', 'local_mark'] as const
export type IpvsBackendLabel = (typeof IPVS_BACKEND_LABELS)[number]

const LABELS_FLAG = 'collector.ipvs.backend-labels'

/** --collector.ipvs.backend-labels names a label the collector does not know. */
export class IpvsLabelsError extends Error {
  override readonly name = 'IpvsLabelsError'
}

/**
 * node_exporter's parseIpvsLabels: a comma-separated subset of IPVS_BACKEND_LABELS,
 * returned in their canonical order; empty items are ignored, so '' means no labels.
 */
export function parseIpvsLabels(text: string): IpvsBackendLabel[] {
  const wanted = new Set(text.split(',').filter((l) => l !== ''))
  const known = IPVS_BACKEND_LABELS.filter((l) => wanted.delete(l))
  if (wanted.size > 0) {
    throw new IpvsLabelsError(`--${LABELS_FLAG}: unknown IPVS backend labels: "${[...wanted].sort().join(', ')}"`)
  }
  return known
}

const VALUE: Record<IpvsBackendLabel, (b: IpvsBackend) => string> = {
  local_address: (b) => b.localAddress,
  local_port: (b) => String(b.localPort),
  remote_address: (b) => b.remoteAddress,
  remote_port: (b) => String(b.remotePort),
  proto: (b) => b.proto,
  local_mark: (b) => b.localMark,
}

const STATS = [
  ['connections', 'node_ipvs_connections_total', 'The total number of connections made.'],
  ['incomingPackets', 'node_ipvs_incoming_packets_total', 'The total number of incoming packets.'],
  ['outgoingPackets', 'node_ipvs_outgoing_packets_total', 'The total number of outgoing packets.'],
  ['incomingBytes', 'node_ipvs_incoming_bytes_total', 'The total amount of incoming data.'],
  ['outgoingBytes', 'node_ipvs_outgoing_bytes_total', 'The total amount of outgoing data.'],
] as const

const BACKEND = [
  ['activeConn', 'node_ipvs_backend_connections_active', 'The current active connections by local and remote address.'],
  ['inactConn', 'node_ipvs_backend_connections_inactive', 'The current inactive connections by local and remote address.'],
  ['weight', 'node_ipvs_backend_weight', 'The current backend weight by local and remote address.'],
] as const

interface Sum {
  readonly labels: Record<string, string>
  activeConn: bigint
  inactConn: bigint
  weight: bigint
}

/**
 * IPVS (kube-proxy in IPVS mode, keepalived) from /proc/net/ip_vs_stats and
 * /proc/net/ip_vs. Real servers are reported by the labels chosen with
 * --collector.ipvs.backend-labels; those that share all chosen labels are summed.
 */
export const ipvsCollector: CollectorEntry = {
  name: 'ipvs',
  defaultEnabled: true,
  help: 'Exposes IPVS status from /proc/net/ip_vs and stats from /proc/net/ip_vs_stats.',
  families: [
    { name: 'node_ipvs_backend_connections_active', type: 'gauge', help: 'The current active connections by local and remote address.' },
    { name: 'node_ipvs_backend_connections_inactive', type: 'gauge', help: 'The current inactive connections by local and remote address.' },
    { name: 'node_ipvs_backend_weight', type: 'gauge', help: 'The current backend weight by local and remote address.' },
    { name: 'node_ipvs_connections_total', type: 'counter', help: 'The total number of connections made.' },
    { name: 'node_ipvs_incoming_bytes_total', type: 'counter', help: 'The total amount of incoming data.' },
    { name: 'node_ipvs_incoming_packets_total', type: 'counter', help: 'The total number of incoming packets.' },
    { name: 'node_ipvs_outgoing_bytes_total', type: 'counter', help: 'The total amount of outgoing data.' },
    { name: 'node_ipvs_outgoing_packets_total', type: 'counter', help: 'The total number of outgoing packets.' },
  ],
  flags: [{ name: LABELS_FLAG, kind: 'string', default: IPVS_BACKEND_LABELS.join(','), help: 'Comma separated list for IPVS backend stats labels.' }],
  create({ config }) {
    const labelNames = parseIpvsLabels(flagString(config, LABELS_FLAG))
    return {
      async collect(ctx) {
        const statsPath = ctx.fs.net('ip_vs_stats')
        const stats = parseIpvsStats(await readOrNoData(ctx, statsPath), statsPath)
        const backendsPath = ctx.fs.net('ip_vs')
        const backends = parseIpvsBackends(await readRequired(ctx, backendsPath), backendsPath)

        const f = new Families()
        for (const [key, name, help] of STATS) {
          f.counter(name, help, Number(stats[key]))
        }
        const sums = new Map<string, Sum>()
        for (const b of backends) {
          const values = labelNames.map((l) => VALUE[l](b))
          const id = JSON.stringify(values)
          let sum = sums.get(id)
          if (!sum) {
            sum = { labels: Object.fromEntries(labelNames.map((l, i) => [l, values[i] as string])), activeConn: 0n, inactConn: 0n, weight: 0n }
            sums.set(id, sum)
          }
          sum.activeConn += b.activeConn
          sum.inactConn += b.inactConn
          sum.weight += b.weight
        }
        for (const sum of sums.values()) {
          for (const [key, name, help] of BACKEND) {
            f.gauge(name, help, Number(sum[key]), sum.labels)
          }
        }
        return f.list()
      },
    }
  },
}
