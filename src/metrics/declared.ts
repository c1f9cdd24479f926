import type { MetricFamily, MetricType } from './types.ts'

/**
 * A family a collector, a detector or the agent itself may emit, declared once beside the
 * code that emits it and checked against what it emits by the contract tests
 * (test/collectors.contract.test.ts, test/detectors.contract.test.ts). A family whose name
 * comes from the source (a /proc/meminfo field, a kstat) is declared as a pattern: `*` in
 * `name` stands for one or more name characters, `*` in `help` for any text.
 */
export interface FamilyDecl {
  readonly name: string
  readonly type: MetricType
  readonly help: string
}

/** What declares families: a collector entry, a detector entry, or the agent's own list. */
export interface Declaring {
  readonly name: string
  readonly families: readonly FamilyDecl[]
  /** Also forwards families it does not know in advance (textfile); those pass unchecked. */
  readonly forwards?: boolean
}

/** A declared pattern as regexps: `*` is one or more name characters in the name, any text in HELP. */
function compiled(decl: FamilyDecl): { name: RegExp; help: RegExp } {
  const glob = (text: string, star: string) =>
    new RegExp(
      `^${text
        .split('*')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join(star)}$`,
      's',
    )
  return { name: glob(decl.name, '[a-zA-Z0-9_:]+'), help: glob(decl.help, '.*') }
}

/**
 * What is wrong with `family` against the entry's declarations, or undefined when it is
 * declared: an exact name first, else the first pattern whose name matches.
 */
export function declarationProblem(entry: Declaring, family: Pick<MetricFamily, 'name' | 'type' | 'help'>): string | undefined {
  const decl = entry.families.find((d) => d.name === family.name) ?? entry.families.find((d) => d.name.includes('*') && compiled(d).name.test(family.name))
  if (!decl) {
    return entry.forwards ? undefined : `${entry.name} emits ${family.name}, which it does not declare`
  }
  if (decl.type !== family.type) {
    return `${entry.name} emits ${family.name} as ${family.type}, declared ${decl.type} (${decl.name})`
  }
  const helpOk = decl.name.includes('*') ? compiled(decl).help.test(family.help) : decl.help === family.help
  return helpOk ? undefined : `${entry.name} emits ${family.name} with HELP ${JSON.stringify(family.help)}, declared ${JSON.stringify(decl.help)}`
}

/** Every problem of `families` against the entry's declarations (empty: all declared). */
export function undeclared(entry: Declaring, families: readonly MetricFamily[]): string[] {
  return families.flatMap((f) => declarationProblem(entry, f) ?? [])
}
