import { ParseError, lines } from './parse-error.ts'

/** Protocol -> field -> raw value, as in /proc/net/netstat ("TcpExt" -> "ListenDrops" -> "0"). */
export type NetStats = Map<string, Map<string, string>>

/**
 * Parses /proc/net/netstat and /proc/net/snmp: pairs of lines, a header naming the fields
 * and a line of values, both prefixed by "Protocol:".
 */
export function parseNetStats(text: string, file: string): NetStats {
  const stats: NetStats = new Map()
  const rows = lines(text)
  for (let i = 0; i < rows.length; i += 2) {
    const names = (rows[i] as string).trim().split(/\s+/)
    const valueRow = rows[i + 1]
    if (valueRow === undefined) {
      throw new ParseError(`${file}: header line "${names[0]}" has no value line`)
    }
    const values = valueRow.trim().split(/\s+/)
    const proto = names[0] as string
    if (!proto.endsWith(':') || values[0] !== proto) {
      throw new ParseError(`${file}: expected a "${proto}" value line, got ${JSON.stringify(valueRow.slice(0, 40))}`)
    }
    if (names.length !== values.length) {
      throw new ParseError(`${file}: ${proto} has ${names.length - 1} names but ${values.length - 1} values`)
    }
    const fields = new Map<string, string>()
    for (let j = 1; j < names.length; j++) {
      fields.set(names[j] as string, values[j] as string)
    }
    stats.set(proto.slice(0, -1), fields)
  }
  return stats
}

/** Parses /proc/net/snmp6: "Ip6InReceives 7" lines, split at the first "6" into Ip6 + InReceives. */
export function parseSnmp6(text: string): NetStats {
  const stats: NetStats = new Map()
  for (const row of lines(text)) {
    const fields = row.trim().split(/\s+/)
    const key = fields[0] as string
    const six = key.indexOf('6')
    if (fields.length < 2 || six === -1) {
      continue
    }
    const proto = key.slice(0, six + 1)
    let protoStats = stats.get(proto)
    if (!protoStats) {
      protoStats = new Map()
      stats.set(proto, protoStats)
    }
    protoStats.set(key.slice(six + 1), fields[1] as string)
  }
  return stats
}
