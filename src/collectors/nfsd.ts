import { Families } from '../metrics/families.ts'
import { parseNfsServer } from '../procfs/nfs.ts'
import { readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'

/** Procedures node_exporter leaves out of node_nfsd_requests_total. */
const UNEXPORTED = new Set(['Null', 'Op0Unused', 'Op1Unused', 'Op2Future', 'PutPubFH', 'PutRootFH'])

const REQUESTS_HELP = 'Total number NFSd Requests by method and protocol.'

/**
 * /proc/net/rpc/nfsd, as node_exporter's nfsd collector: reply cache, stale file handles,
 * disk io, threads, read-ahead cache, network, RPC errors, and the v2, v3 and v4
 * (proc4ops) procedure counts as node_nfsd_requests_total{proto,method}.
 */
export const nfsdCollector: CollectorEntry = {
  name: 'nfsd',
  defaultEnabled: true,
  help: 'Exposes NFS kernel server statistics from /proc/net/rpc/nfsd.',
  families: [
    { name: 'node_nfsd_connections_total', type: 'counter', help: 'Total number of NFSd TCP connections.' },
    { name: 'node_nfsd_disk_bytes_read_total', type: 'counter', help: 'Total NFSd bytes read.' },
    { name: 'node_nfsd_disk_bytes_written_total', type: 'counter', help: 'Total NFSd bytes written.' },
    { name: 'node_nfsd_file_handles_stale_total', type: 'counter', help: 'Total number of NFSd stale file handles' },
    { name: 'node_nfsd_packets_total', type: 'counter', help: 'Total NFSd network packets (sent+received) by protocol type.' },
    { name: 'node_nfsd_read_ahead_cache_not_found_total', type: 'counter', help: 'Total number of NFSd read ahead cache not found.' },
    { name: 'node_nfsd_read_ahead_cache_size_blocks', type: 'gauge', help: 'How large the read ahead cache is in blocks.' },
    { name: 'node_nfsd_reply_cache_hits_total', type: 'counter', help: 'Total number of NFSd Reply Cache hits (client lost server response).' },
    { name: 'node_nfsd_reply_cache_misses_total', type: 'counter', help: 'Total number of NFSd Reply Cache an operation that requires caching (idempotent).' },
    { name: 'node_nfsd_reply_cache_nocache_total', type: 'counter', help: 'Total number of NFSd Reply Cache non-idempotent operations (rename/delete/…).' },
    { name: 'node_nfsd_requests_total', type: 'counter', help: REQUESTS_HELP },
    { name: 'node_nfsd_rpc_errors_total', type: 'counter', help: 'Total number of NFSd RPC errors by error type.' },
    { name: 'node_nfsd_server_rpcs_total', type: 'counter', help: 'Total number of NFSd RPCs.' },
    { name: 'node_nfsd_server_threads', type: 'gauge', help: 'Total number of NFSd kernel threads that are running.' },
  ],
  create: () => ({
    async collect(ctx) {
      const file = ctx.fs.net('rpc', 'nfsd')
      const s = parseNfsServer(await readOrNoData(ctx, file), file)
      const f = new Families()
      f.counter('node_nfsd_reply_cache_hits_total', 'Total number of NFSd Reply Cache hits (client lost server response).', s.replyCache.hits)
      f.counter('node_nfsd_reply_cache_misses_total', 'Total number of NFSd Reply Cache an operation that requires caching (idempotent).', s.replyCache.misses)
      f.counter('node_nfsd_reply_cache_nocache_total', 'Total number of NFSd Reply Cache non-idempotent operations (rename/delete/…).', s.replyCache.noCache)
      // The other "fh" fields are no longer counted by the kernel.
      f.counter('node_nfsd_file_handles_stale_total', 'Total number of NFSd stale file handles', s.fileHandles.stale)
      f.counter('node_nfsd_disk_bytes_read_total', 'Total NFSd bytes read.', s.io.read)
      f.counter('node_nfsd_disk_bytes_written_total', 'Total NFSd bytes written.', s.io.write)
      f.gauge('node_nfsd_server_threads', 'Total number of NFSd kernel threads that are running.', s.threads.threads)
      f.gauge('node_nfsd_read_ahead_cache_size_blocks', 'How large the read ahead cache is in blocks.', s.readAhead.cacheSize)
      f.counter('node_nfsd_read_ahead_cache_not_found_total', 'Total number of NFSd read ahead cache not found.', s.readAhead.notFound)
      const packets = 'Total NFSd network packets (sent+received) by protocol type.'
      f.counter('node_nfsd_packets_total', packets, s.network.udpCount, { proto: 'udp' })
      f.counter('node_nfsd_packets_total', packets, s.network.tcpCount, { proto: 'tcp' })
      f.counter('node_nfsd_connections_total', 'Total number of NFSd TCP connections.', s.network.tcpConnect)
      const errors = 'Total number of NFSd RPC errors by error type.'
      f.counter('node_nfsd_rpc_errors_total', errors, s.rpc.badFmt, { error: 'fmt' })
      f.counter('node_nfsd_rpc_errors_total', errors, s.rpc.badAuth, { error: 'auth' })
      f.counter('node_nfsd_rpc_errors_total', errors, s.rpc.badcInt, { error: 'cInt' })
      f.counter('node_nfsd_server_rpcs_total', 'Total number of NFSd RPCs.', s.rpc.rpcCount)
      for (const [proto, counts] of s.procedures) {
        for (const [method, value] of counts) {
          if (!UNEXPORTED.has(method)) {
            f.counter('node_nfsd_requests_total', REQUESTS_HELP, value, { proto, method })
          }
        }
      }
      f.counter('node_nfsd_requests_total', REQUESTS_HELP, s.wdelegGetattr, { proto: '4', method: 'WdelegGetattr' })
      return f.list()
    },
  }),
}
