import { Families } from '../metrics/families.ts'
import { parseNetStats, parseSnmp6 } from '../procfs/netstat.ts'
import type { NetStats } from '../procfs/netstat.ts'
import { parseGoFloat } from '../procfs/sysfs-value.ts'
import { compileFlagRegex } from './flag-regex.ts'
import { readOptional, readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'
import { regexpFlag } from './device-filter.ts'

export const NETSTAT_FIELDS_DEFAULT =
  '^(.*_(InErrors|InErrs)|Ip_Forwarding|Ip(6|Ext)_(InOctets|OutOctets)|Icmp6?_(InMsgs|OutMsgs)|TcpExt_(Listen.*|Syncookies.*|TCPSynRetrans|TCPTimeouts|TCPOFOQueue|TCPRcvQDrop)|Tcp_(ActiveOpens|InSegs|OutSegs|OutRsts|PassiveOpens|RetransSegs|CurrEstab)|Udp6?_(InDatagrams|OutDatagrams|NoPorts|RcvbufErrors|SndbufErrors))$'

/**
 * /proc/net/netstat, /proc/net/snmp and (when IPv6 is on) /proc/net/snmp6, merged into one
 * Protocol_Field table; the fields flag selects which rows become node_netstat_* series.
 */
export const netstatCollector: CollectorEntry = {
  name: 'netstat',
  defaultEnabled: true,
  help: 'Exposes network statistics from /proc/net/netstat, /proc/net/snmp and /proc/net/snmp6.',
  families: [{ name: 'node_netstat_*', type: 'untyped', help: 'Statistic *.' }],
  flags: [{ name: 'collector.netstat.fields', kind: 'string', check: regexpFlag, default: NETSTAT_FIELDS_DEFAULT, help: 'Regexp of fields to return for netstat collector.' }],
  create({ config }) {
    const pattern = compileFlagRegex(config, 'collector.netstat.fields')
    return {
      async collect(ctx) {
        const netstatPath = ctx.fs.net('netstat')
        const snmpPath = ctx.fs.net('snmp')
        const tables: NetStats[] = [parseNetStats(await readOrNoData(ctx, netstatPath), netstatPath), parseNetStats(await readOrNoData(ctx, snmpPath), snmpPath)]
        const snmp6 = await readOptional(ctx, ctx.fs.net('snmp6'))
        if (snmp6 !== undefined) {
          tables.push(parseSnmp6(snmp6))
        }
        const merged = new Map<string, string>()
        for (const table of tables) {
          for (const [protocol, fields] of table) {
            for (const [name, value] of fields) {
              merged.set(`${protocol}_${name}`, value)
            }
          }
        }
        const f = new Families()
        for (const key of [...merged.keys()].sort()) {
          if (!pattern.test(key) || !/^[a-zA-Z0-9_]+$/.test(key)) {
            continue
          }
          const [protocol, ...rest] = key.split('_')
          const value = parseGoFloat(merged.get(key) as string, `netstat field ${key}`)
          f.add(`node_netstat_${key}`, 'untyped', `Statistic ${protocol}${rest.join('_')}.`, {}, value)
        }
        return f.list()
      },
    }
  },
}
