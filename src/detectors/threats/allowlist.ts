import { parse as parseYaml } from 'yaml'
import { RULES } from './rules/index.ts'
import type { Finding, ProcessFacts } from './types.ts'

/**
 * One allowlist entry: every field given must match; `rules` limits it to those rules
 * (all rules when absent).
 */
export interface AllowEntry {
  readonly exe?: RegExp
  readonly comm?: ReadonlySet<string>
  readonly cmdline?: RegExp
  readonly user?: ReadonlySet<string>
  readonly parent?: ReadonlySet<string>
  readonly rules?: ReadonlySet<string>
}

export interface Allowlist {
  readonly entries: readonly AllowEntry[]
}

export const EMPTY_ALLOWLIST: Allowlist = { entries: [] }

export class AllowlistError extends Error {
  override readonly name = 'AllowlistError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

const KEYS = new Set(['exe', 'comm', 'cmdline', 'user', 'parent', 'rules', 'comment'])

/** Shell-style glob (`*`, `?`) over a whole path. */
function glob(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}

function names(v: unknown, what: string): Set<string> {
  const list = Array.isArray(v) ? v : [v]
  if (list.length === 0 || !list.every((s) => typeof s === 'string' || typeof s === 'number')) {
    throw new AllowlistError(`${what}: expected a string or a list of strings`)
  }
  return new Set(list.map(String))
}

/**
 * Parses the allowlist YAML:
 *
 *   allow:
 *     - exe: /opt/bench/bin/*          # glob over the executable path
 *       rules: [miner_sustained_cpu_untrusted]
 *     - comm: [backup.sh]
 *       user: backup
 *     - cmdline: '^rsync -az /data/ '   # regular expression over the raw command line
 *     - parent: jupyter-lab              # comm (or exe path) of the parent
 */
export function parseAllowlist(text: string, source: string): Allowlist {
  let doc: unknown
  try {
    doc = parseYaml(text)
  } catch (err) {
    throw new AllowlistError(`${source}: invalid YAML: ${(err as Error).message}`, { cause: err })
  }
  if (doc === null || doc === undefined) {
    return EMPTY_ALLOWLIST
  }
  const allow = (doc as { allow?: unknown }).allow
  if (!Array.isArray(allow)) {
    throw new AllowlistError(`${source}: expected a top-level "allow" list`)
  }
  const known = new Set(RULES.map((r) => r.id))
  const entries = allow.map((item: unknown, i): AllowEntry => {
    const what = `${source}: allow[${i}]`
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw new AllowlistError(`${what}: expected a mapping`)
    }
    const e = item as Record<string, unknown>
    for (const key of Object.keys(e)) {
      if (!KEYS.has(key)) {
        throw new AllowlistError(`${what}: unknown key ${JSON.stringify(key)} (accepted: exe, comm, cmdline, user, parent, rules)`)
      }
    }
    if (e.exe === undefined && e.comm === undefined && e.cmdline === undefined && e.user === undefined && e.parent === undefined) {
      throw new AllowlistError(`${what}: needs at least one of exe, comm, cmdline, user, parent`)
    }
    let cmdline: RegExp | undefined
    if (e.cmdline !== undefined) {
      try {
        cmdline = new RegExp(String(e.cmdline))
      } catch (err) {
        throw new AllowlistError(`${what}.cmdline: invalid regular expression`, { cause: err })
      }
    }
    const rules = e.rules === undefined ? undefined : names(e.rules, `${what}.rules`)
    for (const r of rules ?? []) {
      if (!known.has(r)) {
        throw new AllowlistError(`${what}.rules: unknown rule ${JSON.stringify(r)}`)
      }
    }
    return {
      exe: e.exe === undefined ? undefined : glob(String(e.exe)),
      comm: e.comm === undefined ? undefined : names(e.comm, `${what}.comm`),
      cmdline,
      user: e.user === undefined ? undefined : names(e.user, `${what}.user`),
      parent: e.parent === undefined ? undefined : names(e.parent, `${what}.parent`),
      rules,
    }
  })
  return { entries }
}

function entryMatches(e: AllowEntry, p: ProcessFacts, line: string): boolean {
  const parent = p.ancestors[0]
  return (
    (!e.exe || (p.exe !== undefined && e.exe.test(p.exe))) &&
    (!e.comm || e.comm.has(p.comm)) &&
    (!e.cmdline || e.cmdline.test(line)) &&
    (!e.user || (p.user !== undefined && e.user.has(p.user)) || (p.uid !== undefined && e.user.has(String(p.uid)))) &&
    (!e.parent || (parent !== undefined && (e.parent.has(parent.comm) || (parent.exe !== undefined && e.parent.has(parent.exe)))))
  )
}

/** Drops the findings the allowlist covers. */
export function applyAllowlist(allowlist: Allowlist, p: ProcessFacts, findings: readonly Finding[]): Finding[] {
  if (allowlist.entries.length === 0 || findings.length === 0) {
    return [...findings]
  }
  const line = p.argv.join(' ')
  const matching = allowlist.entries.filter((e) => entryMatches(e, p, line))
  return findings.filter((f) => !matching.some((e) => !e.rules || e.rules.has(f.rule)))
}
