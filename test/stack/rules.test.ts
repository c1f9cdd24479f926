// Prometheus rules: promtool checks and unit tests, the shape of every alert, runbook
// anchors, the promtool tests' coverage of both sides of each for:, and metric names.
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { CATALOGUE, PROMETHEUS_SERIES, findTool, loadRules, metricNames, repoRoot, ruleFiles, runbookAnchors } from './stack-files.ts'

const promtool = findTool('promtool')
const { alerts, records } = loadRules()

function run(file: string, args: string[]): { code: number; out: string } {
  try {
    const out = execFileSync(file, args, { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] })
    return { code: 0, out }
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string }
    return { code: e.status ?? 1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

describe.skipIf(!promtool)('promtool', () => {
  test('check rules passes on every rule file', () => {
    const r = run(promtool as string, ['check', 'rules', ...ruleFiles().map((f) => join('rules', f))])
    expect(r.out).not.toMatch(/FAILED/)
    expect(r.code, r.out).toBe(0)
  })

  test('unit tests pass', () => {
    const tests = readdirSync(join(repoRoot, 'rules', 'tests'))
      .filter((f) => f.endsWith('.yml'))
      .map((f) => join('rules', 'tests', f))
    expect(tests.length).toBeGreaterThan(0)
    const r = run(promtool as string, ['test', 'rules', ...tests])
    expect(r.code, r.out).toBe(0)
  })
})
test.skipIf(promtool)('promtool is installed (.ci/run installs Debian prometheus)', () => {
  console.warn('SKIPPED: promtool not found on PATH; promtool check/test rules did not run')
})

describe('alert shape', () => {
  test('there are alerts in every area', () => {
    expect(new Set(alerts.map((a) => a.file))).toEqual(new Set(['agent.yml', 'anomaly.yml', 'containers.yml', 'gpu.yml', 'node.yml', 'security.yml']))
  })

  test.each(alerts.map((a) => [`${a.alert} (${a.labels?.severity})`, a] as const))('%s', (_, a) => {
    expect(a.for, 'for:').toMatch(/^\d+[smh]$/)
    expect(['critical', 'warning', 'info']).toContain(a.labels?.severity)
    expect(a.alert).toMatch(/^(Node|GPU|Odin)[A-Z][A-Za-z]+$/)
    const ann = a.annotations ?? {}
    expect(ann.summary?.length ?? 0).toBeGreaterThan(10)
    expect(ann.description).toMatch(/\{\{ \$labels\.\w+ \}\}/)
    expect(ann.description).toMatch(/\$value/)
    expect(ann.runbook_url).toMatch(/^https:\/\/github\.com\/odin-agent\/odin-agent\/blob\/main\/docs\/runbook\.md#[a-z0-9-]+$/)
  })

  test('every runbook_url anchor is a heading in docs/runbook.md', () => {
    const anchors = runbookAnchors()
    const missing = alerts.map((a) => a.annotations?.runbook_url?.split('#')[1] ?? '').filter((anchor) => !anchors.has(anchor))
    expect(missing).toEqual([])
  })

  test('the same alert name keeps one runbook section and distinct severities', () => {
    const byName = new Map<string, { urls: Set<string>; severities: string[] }>()
    for (const a of alerts) {
      const e = byName.get(a.alert) ?? { urls: new Set(), severities: [] }
      e.urls.add(a.annotations?.runbook_url ?? '')
      e.severities.push(a.labels?.severity ?? '')
      byName.set(a.alert, e)
    }
    for (const [name, e] of byName) {
      expect(e.urls.size, name).toBe(1)
      expect(new Set(e.severities).size, name).toBe(e.severities.length)
    }
  })

  test('recording rules are named level:metric:operations', () => {
    for (const r of records) {
      expect(r.record).toMatch(/^[a-z_]+:[a-zA-Z0-9_]+:[a-zA-Z0-9_]+$/)
    }
  })

  test('every expression uses catalogue metrics or recording rules defined here', () => {
    const known = new Set([...CATALOGUE, ...PROMETHEUS_SERIES, ...records.map((r) => r.record)])
    const unknown = [...alerts, ...records].flatMap((r) =>
      metricNames(r.expr)
        .filter((m) => !known.has(m))
        .map((m) => `${m} in ${r.file}`),
    )
    expect(unknown).toEqual([])
  })

  test('the security alerts cover every threat category of the detector', () => {
    const categories = [
      'crypto_miners',
      'reverse_shells',
      'privilege_escalation',
      'suspicious_network',
      'data_exfiltration',
      'system_modification',
      'persistence_mechanisms',
      'defense_evasion',
    ]
    const covered = alerts.filter((a) => a.file === 'security.yml').map((a) => /category="(\w+)"/.exec(a.expr)?.[1])
    expect(covered.sort()).toEqual([...categories].sort())
  })
})

interface PromtoolTests {
  rule_files: string[]
  evaluation_interval?: string
  group_eval_order?: string[]
  tests: {
    name: string
    alert_rule_test?: { eval_time: string; alertname: string; exp_alerts?: { exp_labels?: Record<string, string> }[] }[]
  }[]
}

function minutes(d: string): number {
  const m = /^(\d+)([smh])$/.exec(d)
  if (!m) {
    throw new Error(`duration ${d}`)
  }
  return Number(m[1]) * { s: 1 / 60, m: 1, h: 60 }[m[2] as 's' | 'm' | 'h']
}

describe('promtool tests cover both sides of every for:', () => {
  const files = readdirSync(join(repoRoot, 'rules', 'tests')).filter((f) => f.endsWith('.yml'))
  const docs = files.map((f) => ({ f, doc: parse(readFileSync(join(repoRoot, 'rules', 'tests', f), 'utf8')) as PromtoolTests }))

  test('one test file per rule file, with a fixed group order', () => {
    expect(files.sort()).toEqual(ruleFiles())
    for (const { f, doc } of docs) {
      expect(doc.rule_files).toEqual([`../${f}`])
      const groups = (parse(readFileSync(join(repoRoot, 'rules', f), 'utf8')) as { groups: { name: string }[] }).groups.map((g) => g.name)
      expect(doc.group_eval_order, `${f}: promtool orders groups at random without it`).toEqual(groups)
    }
  })

  test.each(alerts.map((a) => [`${a.alert} (${a.labels?.severity})`, a] as const))('%s', (_, a) => {
    const doc = docs.find((d) => d.f === a.file)?.doc
    const interval = minutes(doc?.evaluation_interval ?? '1m')
    const sev = a.labels?.severity
    const has = (c: { exp_alerts?: { exp_labels?: Record<string, string> }[] }) => (c.exp_alerts ?? []).some((e) => e.exp_labels?.severity === sev)
    // Some test case checks the alert absent at t and present at t + one evaluation.
    const found = (doc?.tests ?? []).some((t) => {
      const checks = (t.alert_rule_test ?? []).filter((c) => c.alertname === a.alert)
      return checks.some((before) => !has(before) && checks.some((after) => has(after) && minutes(after.eval_time) - minutes(before.eval_time) === interval))
    })
    expect(found, `${a.alert}: no test shows it silent one evaluation before it fires`).toBe(true)
  })
})

test('rules/kustomization.yaml puts every rule file into the ConfigMap', () => {
  const k = parse(readFileSync(join(repoRoot, 'rules', 'kustomization.yaml'), 'utf8')) as { configMapGenerator: { name: string; files: string[] }[] }
  expect(k.configMapGenerator.map((g) => g.name)).toEqual(['odin-rules'])
  expect([...(k.configMapGenerator[0]?.files ?? [])].sort()).toEqual(ruleFiles())
})

test('README lists every alert with its severity', () => {
  const doc = readFileSync(join(repoRoot, 'README.md'), 'utf8')
  const rows = new Set([...doc.matchAll(/^\| \w+ \| \[(\w+)\]\(docs\/runbook\.md#([a-z0-9-]+)\) \| (\w+) \| (\w+) \|/gm)].map((m) => `${m[1]} ${m[3]} ${m[4]} ${m[2]}`))
  const expected = alerts.map((a) => `${a.alert} ${a.labels?.severity} ${a.for} ${a.annotations?.runbook_url?.split('#')[1]}`)
  expect([...rows].sort()).toEqual([...expected].sort())
})
