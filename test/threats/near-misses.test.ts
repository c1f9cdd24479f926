import { describe, expect, it } from 'vitest'
import { evaluateProcess } from '../../src/detectors/threats/evaluate.ts'
import { RULES } from '../../src/detectors/threats/rules/index.ts'
import { nearMisses } from './corpus/near-misses.ts'

describe('per-rule near misses', () => {
  it('every rule has at least one benign near miss, and every near miss names a rule', () => {
    const ids = new Set(RULES.map((r) => r.id))
    const covered = new Set(nearMisses.map((m) => m.rule))
    expect(RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([])
    expect([...covered].filter((id) => !ids.has(id))).toEqual([])
  })

  it.each(nearMisses.map((m) => [m.name, m] as const))('%s stays silent', (_name, m) => {
    expect(evaluateProcess(m.process).map((f) => f.rule)).toEqual([])
  })
})
