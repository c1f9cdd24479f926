import { lines } from './parse-error.ts'

/**
 * Parses os-release(5): `KEY=value` lines, values optionally in double quotes (with
 * `\"`, `\\`, `\$`, `` \` `` escapes) or single quotes (literal). `#` comments, blank
 * lines and an `export ` prefix are accepted; a line that is not an assignment, or a
 * value whose quote is not closed, is skipped (as systemd skips it).
 */
export function parseOsRelease(text: string): Map<string, string> {
  const env = new Map<string, string>()
  for (const raw of lines(text)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) {
      continue
    }
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line)
    if (!m) {
      continue
    }
    const value = unquote((m[2] as string).trim())
    if (value !== undefined) {
      env.set(m[1] as string, value)
    }
  }
  return env
}

function unquote(v: string): string | undefined {
  const q = v[0]
  if (q !== '"' && q !== "'") {
    // Unquoted: up to an unescaped space or comment; backslash escapes the next char.
    return v.replace(/\s+#.*$/, '').replace(/\\(.)/g, '$1')
  }
  let out = ''
  for (let i = 1; i < v.length; i++) {
    const c = v[i] as string
    if (c === q) {
      return out
    }
    if (q === '"' && c === '\\' && i + 1 < v.length && '"\\$`'.includes(v[i + 1] as string)) {
      out += v[++i]
      continue
    }
    out += c
  }
  return undefined
}

/** `^[0-9]+\.?[0-9]*` of VERSION_ID, as node_exporter's node_os_version; 0 when absent. */
export function osMajorMinor(versionId: string): number {
  const m = /^[0-9]+\.?[0-9]*/.exec(versionId)
  return m ? Number(m[0]) : 0
}
