import { flagBool } from '../config/config.ts'
import { Families } from '../metrics/families.ts'
import { parseNetDev } from '../procfs/netdev.ts'
import { deviceFilterFlags, deviceFilterFrom } from './device-filter.ts'
import { readOptional, readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'

/** Where the agent's own network namespace is visible (tests point these at fixtures). */
export interface OwnNamespace {
  readonly proc: string
  readonly sys: string
}

/**
 * node_exporter's netdev. By default (--collector.netdev.netlink, as upstream) the
 * counters are the kernel's for the agent's own network namespace, which node_exporter
 * asks over rtnetlink regardless of --path.procfs: here /proc/self/net/dev (the kernel
 * prints the same rtnl_link_stats64 sums node_exporter's legacy names fold) plus
 * rx_nohandler from /sys/class/net/<dev>/statistics, the one netlink counter that file
 * lacks. With --no-collector.netdev.netlink it reads <procfs>/net/dev, as upstream.
 */
export function createNetdevCollector(own: OwnNamespace = { proc: '/proc', sys: '/sys' }): CollectorEntry {
  return {
    name: 'netdev',
    defaultEnabled: true,
    help: 'Exposes network interface statistics such as bytes transferred.',
    families: [{ name: 'node_network_*_total', type: 'counter', help: 'Network device statistic *.' }],
    flags: [
      ...deviceFilterFlags('collector.netdev.device', 'net devices'),
      {
        name: 'collector.netdev.netlink',
        kind: 'bool',
        default: true,
        help: "Use the kernel's statistics for the agent's network namespace (as node_exporter's netlink) instead of <procfs>/net/dev.",
      },
    ],
    create({ config }) {
      const filter = deviceFilterFrom(config, 'collector.netdev.device')
      const netlink = flagBool(config, 'collector.netdev.netlink')
      return {
        async collect(ctx) {
          // With --path.netns-pid the namespace is that process's, and its devices are the ones
          // under --path.sysfs (a host's /sys mounted into a pod shows the host's).
          const pinned = ctx.fs.netnsPid !== ''
          const path = pinned || !netlink ? ctx.fs.net('dev') : `${own.proc}/self/net/dev`
          const sysNet = pinned ? ctx.fs.sys('class', 'net') : `${own.sys}/class/net`
          const devices = parseNetDev(await readOrNoData(ctx, path)).filter((d) => !filter.ignored(d.device))
          const nohandler = netlink
            ? await Promise.all(devices.map((d) => (d.device.includes('/') ? undefined : readOptional(ctx, `${sysNet}/${d.device}/statistics/rx_nohandler`))))
            : []
          const f = new Families()
          devices.forEach((d, i) => {
            const counters = new Map(d.counters)
            const nh = nohandler[i]?.trim()
            if (nh !== undefined && /^\d+$/.test(nh)) {
              counters.set('receive_nohandler', Number(nh))
            }
            for (const [key, value] of counters) {
              f.counter(`node_network_${key}_total`, `Network device statistic ${key}.`, value, { device: d.device })
            }
          })
          return f.list()
        },
      }
    },
  }
}

export const netdevCollector = createNetdevCollector()
