import { applyAllowlist, EMPTY_ALLOWLIST } from './allowlist.ts'
import type { Allowlist } from './allowlist.ts'
import { commandView } from './engine.ts'
import { RULES } from './rules/index.ts'
import type { Finding, ProcessFacts, Rule } from './types.ts'

const STATIC = RULES.filter((r) => r.scope === 'static')
const DYNAMIC = RULES.filter((r) => r.scope === 'dynamic')

function run(rules: readonly Rule[], p: ProcessFacts): Finding[] {
  if (p.kernelThread) {
    return []
  }
  const c = commandView(p)
  const out: Finding[] = []
  for (const rule of rules) {
    const hit = rule.test(p, c)
    if (hit) {
      out.push({
        rule: rule.id,
        category: rule.category,
        severity: rule.severity,
        description: rule.description,
        detail: typeof hit === 'string' ? hit : undefined,
      })
    }
  }
  return out
}

/** Rules that read only comm, exe, argv, cwd and container: their result holds until exec. */
export function staticFindings(p: ProcessFacts): Finding[] {
  return run(STATIC, p)
}

/** Rules that read ancestry, users, sockets and CPU: run every tick. */
export function dynamicFindings(p: ProcessFacts): Finding[] {
  return run(DYNAMIC, p)
}

const EXEMPT = new Map(RULES.filter((r) => r.exemptUnder).map((r) => [r.id, r.exemptUnder as RegExp]))

/** Drops findings of rules that are expected activity under one of the process's ancestors. */
export function applyExemptions(p: ProcessFacts, findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => {
    const under = EXEMPT.get(f.rule)
    return !under || !p.ancestors.some((a) => under.test(a.comm))
  })
}

/** Every finding for one process, after exemptions and the allowlist. Pure: no I/O, no clock. */
export function evaluateProcess(p: ProcessFacts, allowlist: Allowlist = EMPTY_ALLOWLIST): Finding[] {
  return applyAllowlist(allowlist, p, applyExemptions(p, [...staticFindings(p), ...dynamicFindings(p)]))
}
