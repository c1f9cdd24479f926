import { parse as parseYaml } from 'yaml'

/** One `process_names` entry of a process-exporter config. */
export interface NameMatcher {
  readonly template: string
  readonly comm?: ReadonlySet<string>
  readonly exe?: readonly string[]
  readonly cmdline?: readonly RegExp[]
}

export interface NamegroupConfig {
  readonly matchers: readonly NameMatcher[]
}

export class NamegroupConfigError extends Error {
  override readonly name = 'NamegroupConfigError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** Template fields we fill. PID and StartTime are refused: they would make one series per process. */
const FIELDS = new Set(['Comm', 'ExeBase', 'ExeFull', 'Username', 'Matches'])
const TEMPLATE_FIELD = /\{\{\s*\.(\w+)(?:\.(\w+))?\s*\}\}/g
const KEYS = new Set(['name', 'comm', 'exe', 'cmdline'])

function stringList(v: unknown, what: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((s) => typeof s === 'string' || typeof s === 'number')) {
    throw new NamegroupConfigError(`${what}: expected a non-empty list of strings`)
  }
  return v.map(String)
}

/** Go RE2 named groups `(?P<name>` become JavaScript's `(?<name>`. */
function goRegex(source: string, what: string): RegExp {
  try {
    return new RegExp(source.replace(/\(\?P</g, '(?<'))
  } catch (err) {
    throw new NamegroupConfigError(`${what}: invalid regular expression ${JSON.stringify(source)}`, { cause: err })
  }
}

function checkTemplate(template: string, what: string): void {
  for (const m of template.matchAll(TEMPLATE_FIELD)) {
    const field = m[1] as string
    if (!FIELDS.has(field)) {
      throw new NamegroupConfigError(
        `${what}: template field .${field} is not supported (use .Comm, .ExeBase, .ExeFull, .Username or .Matches; per-process fields like .PID would make one series per process)`,
      )
    }
    if (m[2] !== undefined && field !== 'Matches') {
      throw new NamegroupConfigError(`${what}: .${field}.${m[2]} is not a template field`)
    }
  }
  if (/\{\{/.test(template.replace(TEMPLATE_FIELD, ''))) {
    throw new NamegroupConfigError(`${what}: only plain {{.Field}} references are supported in ${JSON.stringify(template)}`)
  }
}

/** Parses process-exporter's YAML (`process_names: [{name, comm, exe, cmdline}]`). */
export function parseNamegroupConfig(text: string, source: string): NamegroupConfig {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw new NamegroupConfigError(`${source}: invalid YAML: ${(err as Error).message}`, { cause: err })
  }
  const names = (doc as { process_names?: unknown } | null)?.process_names
  if (!Array.isArray(names)) {
    throw new NamegroupConfigError(`${source}: expected a top-level process_names list`)
  }
  const matchers = names.map((item: unknown, i): NameMatcher => {
    const what = `${source}: process_names[${i}]`
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new NamegroupConfigError(`${what}: expected a mapping`)
    }
    const entry = item as Record<string, unknown>
    for (const key of Object.keys(entry)) {
      if (!KEYS.has(key)) {
        throw new NamegroupConfigError(`${what}: unknown key ${JSON.stringify(key)} (accepted: name, comm, exe, cmdline)`)
      }
    }
    if (entry.comm === undefined && entry.exe === undefined && entry.cmdline === undefined) {
      throw new NamegroupConfigError(`${what}: needs at least one of comm, exe, cmdline`)
    }
    const template = entry.name === undefined ? '{{.ExeBase}}' : String(entry.name)
    checkTemplate(template, what)
    return {
      template,
      comm: entry.comm === undefined ? undefined : new Set(stringList(entry.comm, `${what}.comm`)),
      exe: entry.exe === undefined ? undefined : stringList(entry.exe, `${what}.exe`),
      cmdline: entry.cmdline === undefined ? undefined : stringList(entry.cmdline, `${what}.cmdline`).map((s) => goRegex(s, `${what}.cmdline`)),
    }
  })
  return { matchers }
}

/** What a matcher sees of a process; argv and cmdline are already redacted (see redactArgv). */
export interface MatchInput {
  readonly comm: string
  readonly argv: readonly string[]
  readonly cmdline: string
  readonly username: string
}

function basename(path: string): string {
  const i = path.lastIndexOf('/')
  return i >= 0 ? path.slice(i + 1) : path
}

/** Go's rendering of a map[string]string: `map[k1:v1 k2:v2]`, keys sorted. */
function goMap(m: ReadonlyMap<string, string>): string {
  return `map[${[...m.keys()]
    .sort()
    .map((k) => `${k}:${m.get(k)}`)
    .join(' ')}]`
}

/** The group name of the first matcher that matches, or undefined. */
export function matchName(config: NamegroupConfig, p: MatchInput): string | undefined {
  const exeFull = p.argv[0] ?? p.comm
  const exeBase = p.argv[0] === undefined ? p.comm : basename(p.argv[0])
  for (const m of config.matchers) {
    if (m.comm && !m.comm.has(p.comm)) {
      continue
    }
    if (m.exe && !m.exe.some((e) => (e.includes('/') ? e === exeFull : e === exeBase))) {
      continue
    }
    const matches = new Map<string, string>()
    if (m.cmdline) {
      let all = true
      for (const re of m.cmdline) {
        const found = re.exec(p.cmdline)
        if (!found) {
          all = false
          break
        }
        matches.set('', found[0])
        for (const [k, v] of Object.entries(found.groups ?? {})) {
          matches.set(k, v ?? '')
        }
      }
      if (!all) {
        continue
      }
    }
    return m.template.replace(TEMPLATE_FIELD, (_, field: string, sub: string | undefined) => {
      switch (field) {
        case 'Comm':
          return p.comm
        case 'ExeBase':
          return exeBase
        case 'ExeFull':
          return exeFull
        case 'Username':
          return p.username
        default:
          return sub === undefined ? goMap(matches) : (matches.get(sub) ?? '<no value>')
      }
    })
  }
  return undefined
}
