import { ParseError, lines } from './parse-error.ts'
import { parseGoFloat } from './sysfs-value.ts'

/** Parses /proc/vmstat ("pgfault 2320168809" per line) into name/value pairs in file order. */
export function parseVmstat(text: string): [string, number][] {
  const out: [string, number][] = []
  for (const row of lines(text)) {
    const fields = row.trim().split(/\s+/)
    if (fields.length !== 2) {
      throw new ParseError(`/proc/vmstat: malformed line ${JSON.stringify(row.slice(0, 60))}`)
    }
    out.push([fields[0] as string, parseGoFloat(fields[1] as string, `/proc/vmstat ${fields[0]}`)])
  }
  return out
}
