import { describe, expect, it } from 'vitest'
import { evaluateProcess } from '../../src/detectors/threats/evaluate.ts'
import { CATEGORIES } from '../../src/detectors/threats/types.ts'
import { benign } from './corpus/benign.ts'
import { malicious } from './corpus/malicious.ts'
import { nearMisses } from './corpus/near-misses.ts'
import { redactCommandLine } from '../../src/security/redact.ts'

describe('threat corpus', () => {
  // Per-rule near misses (test/threats/near-misses.test.ts) count as benign scenarios too.
  const results = [...malicious, ...benign, ...nearMisses].map((s) => ({ s, findings: evaluateProcess(s.process) }))
  const mal = results.filter((r) => r.s.expect !== 'benign')
  const ben = results.filter((r) => r.s.expect === 'benign')
  const detected = mal.filter((r) => r.findings.some((f) => f.category === r.s.expect))
  const flaggedAtAll = mal.filter((r) => r.findings.length > 0)
  const benignHits = ben.filter((r) => r.findings.length > 0)
  const recall = detected.length / mal.length
  const precision = detected.length / (detected.length + benignHits.length)

  it('is big enough and covers all eight categories', () => {
    expect(mal.length).toBeGreaterThanOrEqual(60)
    expect(ben.length).toBeGreaterThanOrEqual(200)
    for (const c of CATEGORIES) {
      expect(mal.filter((r) => r.s.expect === c).length, c).toBeGreaterThanOrEqual(5)
    }
  })

  it('detects >= 95% of the malicious scenarios in their category with no benign hits', () => {
    const lines = [
      `threat corpus: ${mal.length} malicious, ${ben.length} benign`,
      `recall ${(recall * 100).toFixed(1)}% (${detected.length}/${mal.length}; any category: ${flaggedAtAll.length}/${mal.length}), precision ${(precision * 100).toFixed(1)}%, benign hits ${benignHits.length}`,
      ...CATEGORIES.map((c) => {
        const inCat = mal.filter((r) => r.s.expect === c)
        return `  ${c.padEnd(24)} ${inCat.filter((r) => detected.includes(r)).length}/${inCat.length}`
      }),
      ...mal
        .filter((r) => !detected.includes(r))
        .map((r) => `  missed [${r.s.expect}] ${r.s.name}: got ${r.findings.map((f) => `${f.rule}/${f.category}`).join(', ') || 'nothing'}`),
      ...benignHits.map((r) => `  benign hit ${r.s.name}: ${r.findings.map((f) => f.rule).join(', ')} <- ${redactCommandLine(r.s.process.argv, 160)}`),
    ]
    console.log(lines.join('\n'))
    expect(benignHits.map((r) => r.s.name)).toEqual([])
    expect(recall).toBeGreaterThanOrEqual(0.95)
  })
})
