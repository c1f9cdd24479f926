import { describe, expect, it } from 'vitest'
import { ThreatTracker } from './tracker.ts'
import type { Finding } from './types.ts'

const f = (rule: string): Finding => ({ rule, category: 'crypto_miners', severity: 'critical', description: rule })
const alive = (keys: string[]) => (p: string) => keys.includes(p)
const value = (t: ThreatTracker, name: string, rule: string) =>
  t
    .families()
    .find((x) => x.name === name)
    ?.samples.find((s) => s.labels.rule === rule)?.value

describe('ThreatTracker', () => {
  it('counts and reports a (process, rule) once, keeps it active while it fires, clears on exit', () => {
    const t = new ThreatTracker()
    expect(value(t, 'odin_security_findings_total', 'miner_known_binary')).toBe(0)
    const n1 = t.update(alive(['1:10', '2:20']), [{ process: '1:10', findings: [f('miner_known_binary')] }])
    expect(n1.map((n) => n.process)).toEqual(['1:10'])
    expect(value(t, 'odin_security_active_threats', 'miner_known_binary')).toBe(1)
    // same process next tick: no new event, still active
    expect(t.update(alive(['1:10']), [{ process: '1:10', findings: [f('miner_known_binary')] }])).toEqual([])
    // the rule stops firing, then fires again: not re-counted while the process lives
    t.update(alive(['1:10']), [])
    expect(value(t, 'odin_security_active_threats', 'miner_known_binary')).toBe(0)
    expect(t.update(alive(['1:10']), [{ process: '1:10', findings: [f('miner_known_binary')] }])).toEqual([])
    expect(value(t, 'odin_security_findings_total', 'miner_known_binary')).toBe(1)
    // the process exits; the PID comes back as another process (new start time): new event
    t.update(alive([]), [])
    expect(t.update(alive(['1:99']), [{ process: '1:99', findings: [f('miner_known_binary')] }])).toHaveLength(1)
    expect(value(t, 'odin_security_findings_total', 'miner_known_binary')).toBe(2)
  })

  it('exports every rule with category and severity labels', () => {
    const fam = new ThreatTracker().families()
    const findings = fam.find((x) => x.name === 'odin_security_findings_total')
    expect(findings?.type).toBe('counter')
    expect(findings?.samples.length).toBeGreaterThan(50)
    expect(findings?.samples.every((s) => s.labels.category && s.labels.severity && s.labels.rule)).toBe(true)
  })
})
