import { ParseError, lines, num } from './parse-error.ts'
import { meminfoKey } from './meminfo.ts'

/** One per-node sample: `node` is the NUMA node number as the file states it. */
export interface NumaField {
  readonly node: string
  readonly name: string
  readonly value: number
}

const VALID_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/

/**
 * Parses /sys/devices/system/node/nodeN/meminfo: `Node 0 Active(anon):  691324 kB`.
 * kB values become bytes; names keep no `_bytes` suffix (node_memory_numa_MemTotal), as
 * node_exporter's meminfo_numa. A malformed line throws ParseError.
 */
export function parseNodeMeminfo(text: string): NumaField[] {
  const out: NumaField[] = []
  for (const line of lines(text)) {
    const parts = line.trim().split(/\s+/)
    if (parts.length === 1 && parts[0] === '') {
      continue
    }
    const [word, node, rawKey, rawValue, unit] = parts
    if (word !== 'Node' || node === undefined || !/^\d+$/.test(node) || rawKey === undefined || parts.length > 5 || (unit !== undefined && unit !== 'kB')) {
      throw new ParseError(`invalid line in node meminfo: ${JSON.stringify(line.slice(0, 80))}`)
    }
    const value = num(rawValue, `value of ${rawKey} in node meminfo`) * (unit === 'kB' ? 1024 : 1)
    const name = meminfoKey(rawKey.replace(/:+$/, ''))
    if (VALID_NAME.test(name)) {
      out.push({ node, name, value })
    }
  }
  return out
}

/**
 * Parses /sys/devices/system/node/nodeN/numastat (`numa_hit 193460335812`); each field
 * becomes a `<field>_total` counter for `node`.
 */
export function parseNumastat(text: string, node: string): NumaField[] {
  const out: NumaField[] = []
  for (const line of lines(text)) {
    const parts = line.trim().split(/\s+/)
    if (parts.length === 1 && parts[0] === '') {
      continue
    }
    if (parts.length !== 2) {
      throw new ParseError(`invalid line in numastat: ${JSON.stringify(line.slice(0, 80))}`)
    }
    const name = `${parts[0]}_total`
    const value = num(parts[1], `${parts[0]} in numastat`)
    if (VALID_NAME.test(name)) {
      out.push({ node, name, value })
    }
  }
  return out
}
