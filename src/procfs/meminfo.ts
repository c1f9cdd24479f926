import { ParseError, lines, num } from './parse-error.ts'

/** One /proc/meminfo field under node_exporter's name (`Active(anon)` -> `Active_anon_bytes`). */
export interface MeminfoField {
  readonly name: string
  readonly value: number
}

const VALID_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/

/** `Active(anon)` -> `Active_anon`, as node_exporter's regexp replacement does. */
export function meminfoKey(raw: string): string {
  return raw.replace(/\((.*)\)/g, '_$1')
}

/**
 * Parses /proc/meminfo the way node_exporter does: every line is `Key: value [kB]`; a
 * value with the kB unit is multiplied by 1024 and gets `_bytes` (HugePages_Total has
 * no unit and no suffix). Unknown fields are kept, so a newer kernel's fields appear
 * without code changes. A key that cannot be a metric name is skipped; a line with a
 * missing or non-numeric value, or a unit other than kB, throws ParseError.
 */
export function parseMeminfo(text: string): MeminfoField[] {
  const byName = new Map<string, number>()
  for (const line of lines(text)) {
    const parts = line.trim().split(/\s+/)
    const rawKey = parts[0] ?? ''
    if (rawKey === '') {
      continue
    }
    if (!rawKey.endsWith(':') || parts.length < 2 || parts.length > 3) {
      throw new ParseError(`invalid line in /proc/meminfo: ${JSON.stringify(line.slice(0, 80))}`)
    }
    let value = num(parts[1], `value of ${rawKey} in /proc/meminfo`)
    let name = meminfoKey(rawKey.slice(0, -1))
    if (parts.length === 3) {
      if (parts[2] !== 'kB') {
        throw new ParseError(`unknown unit ${JSON.stringify(parts[2])} in /proc/meminfo line ${JSON.stringify(line.slice(0, 80))}`)
      }
      value *= 1024
      name += '_bytes'
    }
    if (VALID_NAME.test(name)) {
      byName.set(name, value)
    }
  }
  return [...byName].map(([name, value]) => ({ name, value }))
}
