import { lines } from './parse-error.ts'

/**
 * Parses a udev database entry (/run/udev/data/b<major>:<minor>): only device
 * properties (`E:KEY=value`) are kept, as node_exporter's diskstats does. Values are
 * taken verbatim (may be empty); a later duplicate key wins.
 */
export function parseUdevProperties(text: string): Map<string, string> {
  const props = new Map<string, string>()
  for (const line of lines(text)) {
    if (!line.startsWith('E:')) {
      continue
    }
    const eq = line.indexOf('=')
    if (eq > 2) {
      props.set(line.slice(2, eq), line.slice(eq + 1))
    }
  }
  return props
}
