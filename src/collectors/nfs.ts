import { Families } from '../metrics/families.ts'
import { parseNfsClient } from '../procfs/nfs.ts'
import { readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'

/**
 * /proc/net/rpc/nfs, as node_exporter's nfs collector: packets and connections, RPC calls,
 * and every v2, v3 and v4 procedure count as node_nfs_requests_total{proto,method}.
 * The help texts say "NFSd" where node_exporter's do.
 */
export const nfsCollector: CollectorEntry = {
  name: 'nfs',
  defaultEnabled: true,
  help: 'Exposes NFS client statistics from /proc/net/rpc/nfs.',
  families: [
    { name: 'node_nfs_connections_total', type: 'counter', help: 'Total number of NFSd TCP connections.' },
    { name: 'node_nfs_packets_total', type: 'counter', help: 'Total NFSd network packets (sent+received) by protocol type.' },
    { name: 'node_nfs_requests_total', type: 'counter', help: 'Number of NFS procedures invoked.' },
    { name: 'node_nfs_rpc_authentication_refreshes_total', type: 'counter', help: 'Number of RPC authentication refreshes performed.' },
    { name: 'node_nfs_rpc_retransmissions_total', type: 'counter', help: 'Number of RPC transmissions performed.' },
    { name: 'node_nfs_rpcs_total', type: 'counter', help: 'Total number of RPCs performed.' },
  ],
  create: () => ({
    async collect(ctx) {
      const file = ctx.fs.net('rpc', 'nfs')
      const stats = parseNfsClient(await readOrNoData(ctx, file), file)
      const f = new Families()
      const packets = 'Total NFSd network packets (sent+received) by protocol type.'
      f.counter('node_nfs_packets_total', packets, stats.network.udpCount, { protocol: 'udp' })
      f.counter('node_nfs_packets_total', packets, stats.network.tcpCount, { protocol: 'tcp' })
      f.counter('node_nfs_connections_total', 'Total number of NFSd TCP connections.', stats.network.tcpConnect)
      f.counter('node_nfs_rpcs_total', 'Total number of RPCs performed.', stats.rpc.rpcCount)
      f.counter('node_nfs_rpc_retransmissions_total', 'Number of RPC transmissions performed.', stats.rpc.retransmissions)
      f.counter('node_nfs_rpc_authentication_refreshes_total', 'Number of RPC authentication refreshes performed.', stats.rpc.authRefreshes)
      for (const [proto, counts] of stats.procedures) {
        for (const [method, value] of counts) {
          f.counter('node_nfs_requests_total', 'Number of NFS procedures invoked.', value, { proto, method })
        }
      }
      return f.list()
    },
  }),
}
