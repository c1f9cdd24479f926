import { ParseError, lines, num } from './parse-error.ts'

/**
 * /proc/net/dev columns under node_exporter's metric keys (node_network_<key>_total).
 * The kernel prints these sums of rtnl_link_stats64 fields, which are exactly the
 * "legacy" names node_exporter's netlink path folds its counters into.
 */
export const NETDEV_COLUMNS = [
  'receive_bytes',
  'receive_packets',
  'receive_errs',
  'receive_drop',
  'receive_fifo',
  'receive_frame',
  'receive_compressed',
  'receive_multicast',
  'transmit_bytes',
  'transmit_packets',
  'transmit_errs',
  'transmit_drop',
  'transmit_fifo',
  'transmit_colls',
  'transmit_carrier',
  'transmit_compressed',
] as const

export interface NetDevLine {
  readonly device: string
  readonly counters: ReadonlyMap<string, number>
}

/**
 * Parses /proc/net/dev: two header lines, then `  name: 16 counters`. The name ends at
 * the last colon (names may run into the first counter). A line without a colon or
 * with fewer than 16 counters (truncated) is skipped; a non-numeric counter throws
 * ParseError.
 */
export function parseNetDev(text: string): NetDevLine[] {
  const out: NetDevLine[] = []
  for (const line of lines(text)) {
    const colon = line.lastIndexOf(':')
    if (colon === -1 || line.includes('|')) {
      continue
    }
    const device = line.slice(0, colon).trim()
    const fields = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/)
    if (device === '' || fields.length < NETDEV_COLUMNS.length) {
      continue
    }
    const counters = new Map<string, number>()
    for (const [i, key] of NETDEV_COLUMNS.entries()) counters.set(key, num(fields[i], `${key} of ${device} in /proc/net/dev`))
    out.push({ device, counters })
  }
  if (out.length === 0 && text.trim() !== '' && !text.includes('|')) {
    throw new ParseError(`couldn't parse /proc/net/dev: no header and no device lines in ${JSON.stringify(text.slice(0, 60))}`)
  }
  return out
}
