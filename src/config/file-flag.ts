import { readFileSync } from 'node:fs'

/** Longest reason quoted from a read or parse error in a flag's one-line message. */
const MAX_REASON = 240

/**
 * A `check` for a string flag naming a file that must exist and parse (an allowlist, a
 * namedprocess config): read and parsed once at start, so a missing or broken file exits 2
 * with one line instead of failing its collector on every tick. Empty means no file.
 */
export function fileFlagCheck(what: string, parse: (text: string, path: string) => unknown): (path: string) => string | undefined {
  return (path) => {
    if (path === '') return undefined
    try {
      parse(readFileSync(path, 'utf8'), path)
      return undefined
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).replace(/\s+/g, ' ').trim()
      return `${what}; ${reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason}`
    }
  }
}
