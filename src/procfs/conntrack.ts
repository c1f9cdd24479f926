import { ParseError, lines } from './parse-error.ts'

/**
 * Parses /proc/net/stat/nf_conntrack: a header of column names, then one row of hex
 * counters per CPU. Returns each column summed over CPUs, by column name.
 */
export function parseConntrackStat(text: string): Map<string, number> {
  const rows = lines(text)
  const header = rows[0]?.trim().split(/\s+/)
  if (!header || header.length === 0 || header[0] === '') {
    throw new ParseError('/proc/net/stat/nf_conntrack: empty file')
  }
  const totals = new Map<string, number>(header.map((name) => [name, 0]))
  for (const row of rows.slice(1)) {
    const cells = row.trim().split(/\s+/)
    if (cells.length !== header.length) {
      throw new ParseError(`/proc/net/stat/nf_conntrack: ${cells.length} columns, header has ${header.length}`)
    }
    cells.forEach((cell, i) => {
      if (!/^[0-9a-fA-F]+$/.test(cell)) {
        throw new ParseError(`/proc/net/stat/nf_conntrack: invalid hex value ${JSON.stringify(cell.slice(0, 20))}`)
      }
      const name = header[i] as string
      totals.set(name, (totals.get(name) as number) + Number.parseInt(cell, 16))
    })
  }
  return totals
}
