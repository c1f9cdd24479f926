// Shared readers for the stack tests: rules, dashboards, the metric catalogue and tools.
import { accessSync, constants, readFileSync, readdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { AGENT_FAMILIES } from '../../src/agent.ts'
import { allCollectors } from '../../src/collectors/index.ts'
import { allDetectors } from '../../src/detectors/index.ts'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/** Absolute path of an executable on PATH (or a usual system dir), or undefined. */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin', '/usr/sbin']
  for (const dir of dirs.filter((d) => d !== '')) {
    try {
      accessSync(join(dir, name), constants.X_OK)
      return join(dir, name)
    } catch {
      // not here
    }
  }
  return undefined
}

export interface AlertRule {
  file: string
  group: string
  alert: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}
export interface RecordingRule {
  file: string
  group: string
  record: string
  expr: string
}

/** rules/*.yml, top level only (rules/tests holds promtool tests). */
export function ruleFiles(): string[] {
  return readdirSync(join(repoRoot, 'rules'))
    .filter((f) => f.endsWith('.yml'))
    .sort()
}

export function loadRules(): { alerts: AlertRule[]; records: RecordingRule[] } {
  const alerts: AlertRule[] = []
  const records: RecordingRule[] = []
  for (const file of ruleFiles()) {
    const doc = parse(readFileSync(join(repoRoot, 'rules', file), 'utf8')) as {
      groups: { name: string; rules: Record<string, unknown>[] }[]
    }
    for (const g of doc.groups) {
      for (const r of g.rules) {
        if (typeof r.alert === 'string') {
          alerts.push({ file, group: g.name, ...(r as Omit<AlertRule, 'file' | 'group'>) })
        } else {
          records.push({ file, group: g.name, ...(r as Omit<RecordingRule, 'file' | 'group'>) })
        }
      }
    }
  }
  return { alerts, records }
}

export interface Dashboard {
  file: string
  json: Record<string, unknown>
}

export function loadDashboards(): Dashboard[] {
  return readdirSync(join(repoRoot, 'dashboards'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, json: JSON.parse(readFileSync(join(repoRoot, 'dashboards', file), 'utf8')) as Record<string, unknown> }))
}

export interface Panel {
  type: string
  title: string
  id?: number
  gridPos?: { x: number; y: number; w: number; h: number }
  datasource?: { type: string; uid: string }
  targets?: { refId: string; expr: string; datasource?: { type: string; uid: string } }[]
  panels?: Panel[]
}

export function panelsOf(d: Dashboard): Panel[] {
  const out: Panel[] = []
  const walk = (ps: Panel[]) => {
    for (const p of ps) {
      out.push(p)
      walk(p.panels ?? [])
    }
  }
  walk((d.json.panels ?? []) as Panel[])
  return out
}

export interface Query {
  dashboard: string
  panel: string
  refId: string
  expr: string
  kind: 'prometheus' | 'loki'
}

export function queriesOf(d: Dashboard): Query[] {
  return panelsOf(d).flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      dashboard: d.file,
      panel: p.title,
      refId: t.refId,
      expr: t.expr,
      kind: (t.datasource?.type ?? p.datasource?.type) === 'loki' ? ('loki' as const) : ('prometheus' as const),
    })),
  )
}

export interface Variable {
  name: string
  type: string
  datasource?: { type: string; uid: string }
  definition?: string
  query?: unknown
  allValue?: string
}

export function variablesOf(d: Dashboard): Variable[] {
  return ((d.json.templating as { list?: Variable[] } | undefined)?.list ?? []) as Variable[]
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'offset',
  'bool',
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'topk',
  'bottomk',
  'quantile',
  'stddev',
  'stdvar',
  'count_values',
  'group',
  'inf',
  'nan',
])

/**
 * Metric names in a PromQL expression: identifiers that are not functions, keywords,
 * label names inside {...} or grouping clauses, string contents or durations.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, '[]')
  const names = new Set<string>()
  for (const m of stripped.matchAll(/(?<![\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = m
    if (name === undefined || call !== undefined || PROMQL_WORDS.has(name.toLowerCase())) {
      continue
    }
    names.add(name)
  }
  return [...names].sort()
}

/**
 * Names under a collector's declared pattern (node_memory_*, node_netstat_*, ...) that the
 * rules and dashboards use: a pattern cannot list them. Each must match a declaration
 * (test/collectors.contract.test.ts checks it).
 */
export const UNDER_PATTERNS = [
  'node_hwmon_temp_celsius',
  'node_hwmon_temp_crit_celsius',
  'node_memory_Buffers_bytes',
  'node_memory_Cached_bytes',
  'node_memory_MemAvailable_bytes',
  'node_memory_MemTotal_bytes',
  'node_memory_SwapFree_bytes',
  'node_memory_SwapTotal_bytes',
  'node_netstat_TcpExt_ListenDrops',
  'node_netstat_Tcp_OutRsts',
  'node_netstat_Tcp_RetransSegs',
  'node_network_receive_bytes_total',
  'node_network_receive_drop_total',
  'node_network_receive_errs_total',
  'node_network_receive_packets_total',
  'node_network_transmit_bytes_total',
  'node_network_transmit_drop_total',
  'node_network_transmit_errs_total',
  'node_network_transmit_packets_total',
  'node_sockstat_TCP_inuse',
  'node_sockstat_TCP_tw',
  'node_sockstat_UDP_inuse',
  'node_vmstat_oom_kill',
  'node_vmstat_pgmajfault',
  'node_rapl_package_joules_total',
]

/**
 * Names the agent exports, for the rules and dashboards tests, all from declarations: every
 * name a collector or detector declares (`families` on their entries), the agent's own
 * (AGENT_FAMILIES in src/agent.ts, each declared where it is emitted), and the names the rules
 * and dashboards use under a declared pattern.
 */
export const CATALOGUE = new Set([
  ...[...allCollectors, ...allDetectors, AGENT_FAMILIES].flatMap((c) => c.families.map((d) => d.name)).filter((name) => !name.includes('*')),
  ...UNDER_PATTERNS,
])

/** Series Prometheus itself makes: target health and the alert state. */
export const PROMETHEUS_SERIES = new Set(['up', 'ALERTS'])

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

export function runbookAnchors(): Set<string> {
  const text = readFileSync(join(repoRoot, 'docs', 'runbook.md'), 'utf8')
  const anchors = new Set<string>()
  for (const m of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    anchors.add(githubSlug(m[1] as string))
  }
  return anchors
}
