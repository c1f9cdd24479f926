import { Families } from '../metrics/families.ts'
import { parseUdpQueues } from '../procfs/net-udp-queues.ts'
import { readIfPresent } from './read.ts'
import type { CollectorEntry } from './types.ts'
import { NoDataError } from './types.ts'

const HELP = 'Number of allocated memory in the kernel for UDP datagrams in bytes.'

/**
 * node_exporter's udp_queues: the tx_queue and rx_queue columns of /proc/net/udp (ip="v4")
 * and /proc/net/udp6 (ip="v6") summed over all sockets. One file missing (no IPv6) leaves
 * its pair out; both missing is no data.
 */
export const udpQueuesCollector: CollectorEntry = {
  name: 'udp_queues',
  defaultEnabled: true,
  help: 'Exposes UDP total lengths of the rx_queue and tx_queue from /proc/net/udp and /proc/net/udp6.',
  families: [{ name: 'node_udp_queues', type: 'gauge', help: HELP }],
  create: () => ({
    async collect(ctx) {
      const sources = [
        ['v4', ctx.fs.net('udp')],
        ['v6', ctx.fs.net('udp6')],
      ] as const
      const texts = await Promise.all(sources.map(([, path]) => readIfPresent(ctx, path)))
      if (texts.every((t) => t === undefined)) {
        throw new NoDataError(`${sources.map(([, path]) => path).join(' and ')} not found`)
      }
      const f = new Families()
      sources.forEach(([ip, path], i) => {
        const text = texts[i]
        if (text === undefined) {
          return
        }
        const summary = parseUdpQueues(text, path)
        f.gauge('node_udp_queues', HELP, summary.txQueue, { queue: 'tx', ip })
        f.gauge('node_udp_queues', HELP, summary.rxQueue, { queue: 'rx', ip })
      })
      return f.list()
    },
  }),
}
