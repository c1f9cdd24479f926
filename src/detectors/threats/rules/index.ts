import type { Rule } from '../types.ts'
import { cryptoRules } from './crypto.ts'
import { evasionRules } from './evasion.ts'
import { exfilRules } from './exfil.ts'
import { hostRules } from './host.ts'
import { networkRules } from './network.ts'
import { privilegeRules } from './privilege.ts'
import { shellRules } from './shells.ts'

/** Every threat rule, in reporting order. Rule ids are label values: never rename one. */
export const RULES: readonly Rule[] = [...cryptoRules, ...shellRules, ...privilegeRules, ...networkRules, ...exfilRules, ...hostRules, ...evasionRules]

const ids = new Set<string>()
for (const r of RULES) {
  if (ids.has(r.id)) {
    throw new Error(`duplicate threat rule id ${r.id}`)
  }
  ids.add(r.id)
}
