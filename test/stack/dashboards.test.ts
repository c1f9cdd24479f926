// Grafana dashboards: plain dashboard model, fixed uids, templated datasources, no fixed
// instance, catalogue metrics only, and Loki selectors the log shipper really sets.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { CATALOGUE, PROMETHEUS_SERIES, loadDashboards, loadRules, metricNames, panelsOf, queriesOf, repoRoot, variablesOf } from './stack-files.ts'

const dashboards = loadDashboards()
const records = new Set(loadRules().records.map((r) => r.record))

test('the six dashboards are there', () => {
  expect(dashboards.map((d) => d.json.uid).sort()).toEqual(['odin-gpu', 'odin-logs', 'odin-node', 'odin-overview', 'odin-pods', 'odin-processes'])
})

describe.each(dashboards.map((d) => [d.file, d] as const))('%s', (file, d) => {
  const j = d.json
  const panels = panelsOf(d)
  const queries = queriesOf(d)
  const vars = variablesOf(d)

  test('is the plain dashboard model with a fixed uid', () => {
    expect(j.dashboard).toBeUndefined()
    expect(j.uid).toBe(`odin-${file.replace(/\.json$/, '')}`)
    expect(j.id).toBeNull()
    expect(typeof j.title).toBe('string')
    expect(j.schemaVersion).toBeGreaterThanOrEqual(36)
    expect(j.tags).toContain('odin-agent')
    expect(panels.length).toBeGreaterThan(3)
  })

  test('datasources come from a variable', () => {
    const dsVars = vars.filter((v) => v.type === 'datasource').map((v) => v.name)
    expect(dsVars.length).toBeGreaterThan(0)
    for (const p of panels.filter((p) => p.type !== 'row')) {
      expect(
        dsVars.map((n) => `\${${n}}`),
        p.title,
      ).toContain(p.datasource?.uid)
    }
    const text = JSON.stringify(j)
    for (const m of text.matchAll(/"uid":\s*"([^"]*)"/g)) {
      const uid = m[1] as string
      expect(uid === j.uid || uid.startsWith('${') || uid === '-- Grafana --', `hard-coded datasource uid ${uid}`).toBe(true)
    }
  })

  test('no instance is hard-coded', () => {
    for (const q of queries) {
      expect(q.expr, q.panel).not.toMatch(/instance\s*=~?\s*"(?!\$)/)
      expect(q.expr, q.panel).not.toMatch(/(127\.0\.0\.1|localhost|:9405)/)
    }
    if (queries.some((q) => q.kind === 'prometheus')) {
      expect(vars.map((v) => v.name)).toEqual(expect.arrayContaining(['datasource', 'job', 'instance']))
      for (const q of queries.filter((q) => q.kind === 'prometheus' && !q.expr.startsWith('ALERTS'))) {
        expect(q.expr, `${q.panel} must select $instance`).toMatch(/instance=~"\$instance"/)
      }
    }
  })

  test('Prometheus queries use catalogue metrics and recording rules only', () => {
    const known = new Set([...CATALOGUE, ...PROMETHEUS_SERIES, ...records])
    const unknown = queries
      .filter((q) => q.kind === 'prometheus')
      .flatMap((q) =>
        metricNames(q.expr)
          .filter((m) => !known.has(m))
          .map((m) => `${m} (${q.panel})`),
      )
    expect(unknown).toEqual([])
    for (const v of vars.filter((v) => v.type === 'query' && v.datasource?.type === 'prometheus')) {
      const inner = /^label_values\((.*),\s*\w+\)$/.exec(v.definition ?? '')?.[1] ?? ''
      expect(
        metricNames(inner).filter((m) => !known.has(m)),
        v.name,
      ).toEqual([])
    }
  })

  test('panels have unique ids and do not overlap', () => {
    const ids = panels.map((p) => p.id)
    expect(new Set(ids).size).toBe(ids.length)
    const cells = new Set<string>()
    for (const p of panels) {
      const g = p.gridPos
      expect(g, p.title).toBeDefined()
      if (!g) {
        continue
      }
      expect(g.x + g.w, p.title).toBeLessThanOrEqual(24)
      for (let x = g.x; x < g.x + g.w; x++) {
        for (let y = g.y; y < g.y + g.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`).toBe(false)
          cells.add(`${x},${y}`)
        }
      }
    }
  })
})

test('Loki queries select only labels the log shipper sets', () => {
  const cm = parse(readFileSync(join(repoRoot, 'k8s', 'base', 'log-shipper', 'configmap.yaml'), 'utf8')) as { data: Record<string, string> }
  const alloy = cm.data['config.alloy'] as string
  const shipped = new Set([...alloy.matchAll(/target_label\s*=\s*"(\w+)"/g)].map((m) => m[1] as string))
  const lokiQueries = dashboards.flatMap(queriesOf).filter((q) => q.kind === 'loki')
  expect(lokiQueries.length).toBeGreaterThan(0)
  for (const q of lokiQueries) {
    const selector = /^[^{]*\{([^}]*)\}/.exec(q.expr)?.[1] ?? ''
    for (const m of selector.matchAll(/(\w+)\s*(=~|!=|!~|=)/g)) {
      expect(shipped, `${q.panel}: label ${m[1]}`).toContain(m[1])
    }
  }
  // The findings panel filters the agent's stream by the app label the shipper derives
  // from app.kubernetes.io/name, which the DaemonSet carries.
  const ds = parse(readFileSync(join(repoRoot, 'k8s', 'base', 'agent', 'daemonset.yaml'), 'utf8')) as { spec: { template: { metadata: { labels: Record<string, string> } } } }
  expect(ds.spec.template.metadata.labels['app.kubernetes.io/name']).toBe('odin-agent')
  expect(alloy).toContain('__meta_kubernetes_pod_label_app_kubernetes_io_name')
})

test('dashboards/kustomization.yaml and the Grafana volume carry every dashboard', () => {
  const k = parse(readFileSync(join(repoRoot, 'dashboards', 'kustomization.yaml'), 'utf8')) as { configMapGenerator: { name: string; files: string[] }[] }
  const generated = k.configMapGenerator.map((g) => ({ name: g.name, files: g.files }))
  expect(generated.flatMap((g) => g.files).sort()).toEqual(dashboards.map((d) => d.file))
  for (const g of generated) {
    expect(g.files).toHaveLength(1)
    expect(g.name).toBe(`odin-dashboard-${(g.files[0] as string).replace(/\.json$/, '')}`)
  }
  const dep = parse(readFileSync(join(repoRoot, 'k8s', 'base', 'grafana', 'deployment.yaml'), 'utf8')) as {
    spec: { template: { spec: { volumes: { name: string; projected?: { sources: { configMap: { name: string } }[] } }[] } } }
  }
  const projected = dep.spec.template.spec.volumes.find((v) => v.name === 'dashboards')?.projected?.sources.map((s) => s.configMap.name)
  expect(projected?.sort()).toEqual(generated.map((g) => g.name).sort())
})
