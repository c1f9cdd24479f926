// `odin-agent manifests --prometheus-operator`: every object validates against its schema
// (Kubernetes via kubernetes-models, PodMonitor and PrometheusRule via the Prometheus
// Operator CRDs in @kubernetes-models/prometheus-operator), the PodMonitor is the embedded
// odin-agent job, the PrometheusRule holds every rule file and passes promtool, and the
// dashboards are labelled for Grafana's sidecar.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PodMonitor, PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1'
import { ConfigMap, Namespace, ServiceAccount } from 'kubernetes-models/v1'
import { DaemonSet } from 'kubernetes-models/apps/v1'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'
import { afterAll, describe, expect, test } from 'vitest'
import { parse, parseAllDocuments, stringify } from 'yaml'
import { runManifestsCommand } from '../../src/cli/manifests/index.ts'
import type { K8sObject } from '../../src/cli/manifests/kustomize.ts'
import { OperatorTranslationError, toOperatorRelabel } from '../../src/cli/manifests/operator.ts'
import { DEFAULT_OPTIONS } from '../../src/cli/manifests/render.ts'
import type { ManifestOptions } from '../../src/cli/manifests/render.ts'
import { findTool, repoRoot, ruleFiles } from './stack-files.ts'
import { assets, docs, find } from './manifests-objects.ts'

const tmp = mkdtempSync(join(tmpdir(), 'odin-operator-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/ConfigMap': ConfigMap,
  'apps/v1/DaemonSet': DaemonSet,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
}

const KPS: ManifestOptions = { ...DEFAULT_OPTIONS, namespace: 'monitoring', prometheusOperator: true, prometheusOperatorLabels: { release: 'kube-prometheus-stack' } }

interface Relabel {
  sourceLabels?: string[]
  targetLabel?: string
  action?: string
  regex?: string
}

describe.each([
  ['--namespace monitoring --prometheus-operator-labels release=kube-prometheus-stack', KPS],
  ['--gpu --host-network', { ...DEFAULT_OPTIONS, prometheusOperator: true, gpu: true, hostNetwork: true }],
] as const)('--prometheus-operator %s', (_, options) => {
  const objs = docs(options)
  const ns = options.namespace
  const labels = options.prometheusOperatorLabels ?? {}

  test('every object validates against its schema (Kubernetes or Prometheus Operator CRD)', () => {
    expect(objs.map((o) => o.kind)).toEqual(expect.arrayContaining(['PodMonitor', 'PrometheusRule', 'DaemonSet', 'ConfigMap']))
    for (const o of objs) {
      const Model = MODELS[`${o.apiVersion}/${o.kind}`]
      expect(Model, `${o.apiVersion} ${o.kind} is not an allowed kind`).toBeDefined()
      expect(() => new (Model as new (d: unknown) => { validate(): void })(o).validate(), `${o.kind} ${o.metadata.name}`).not.toThrow()
    }
  })

  test("only the agent namespace is printed: the stack namespace is the user's", () => {
    expect(objs.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name)).toEqual([`${ns}-agent`])
    expect(find(objs, 'Namespace', `${ns}-agent`).metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('privileged')
    for (const o of objs.filter((o) => o.kind !== 'Namespace')) {
      expect([ns, `${ns}-agent`], `${o.kind} ${o.metadata.name}`).toContain(o.metadata.namespace)
    }
    // Nothing of our own Prometheus, Alertmanager, Grafana or Loki.
    expect(
      objs.filter((o) => ['Deployment', 'StatefulSet', 'Service', 'PersistentVolumeClaim', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind)),
    ).toEqual([])
    const agents = objs.filter((o) => o.kind === 'DaemonSet').map((o) => o.metadata.name)
    expect(agents).toEqual(options.gpu ? ['odin-agent', 'odin-agent-gpu'] : ['odin-agent'])
    expect(objs.some((o) => o.kind === 'NetworkPolicy')).toBe(!options.hostNetwork)
  })

  test('the PodMonitor is the embedded odin-agent job: same pods, port, interval, relabelling, job name', () => {
    const pm = find(objs, 'PodMonitor', 'odin-agent')
    expect(pm.metadata.namespace).toBe(`${ns}-agent`)
    expect(pm.metadata.labels).toMatchObject(labels)
    const spec = pm.spec as {
      sampleLimit?: number
      jobLabel: string
      selector: { matchLabels: Record<string, string> }
      namespaceSelector: { matchNames: string[] }
      podMetricsEndpoints: { port: string; interval: string; relabelings: Relabel[] }[]
    }
    const ds = find(objs, 'DaemonSet', 'odin-agent')
    const podLabels = (ds.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels
    // job = the pod's app.kubernetes.io/name, which is what the rules select on.
    expect(podLabels[spec.jobLabel]).toBe('odin-agent')
    expect(readFileSync(join(repoRoot, 'rules', 'agent.yml'), 'utf8')).toContain('up{job="odin-agent"}')
    expect(spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'odin-agent' })
    expect(spec.namespaceSelector.matchNames).toEqual([`${ns}-agent`])
    const job = (parse(readFileSync(join(repoRoot, 'k8s', 'base', 'prometheus', 'configmap.yaml'), 'utf8')) as { data: Record<string, string> }).data['prometheus.yml'] as string
    const embedded = (
      parse(job) as {
        scrape_configs: {
          job_name: string
          scrape_interval: string
          sample_limit?: number
          relabel_configs: { source_labels?: string[]; target_label?: string; action?: string; regex?: string }[]
        }[]
      }
    ).scrape_configs.find((j) => j.job_name === 'odin-agent')
    const ep = spec.podMetricsEndpoints[0]
    // The per-node series budget, enforced the same way.
    expect(embedded?.sample_limit).toBeGreaterThan(0)
    expect(spec.sampleLimit).toBe(embedded?.sample_limit)
    expect(spec.podMetricsEndpoints).toHaveLength(1)
    expect(ep?.port).toBe('metrics')
    expect(ep?.interval).toBe(embedded?.scrape_interval)
    const converted = (embedded?.relabel_configs ?? []).map((r) => ({
      ...(r.source_labels ? { sourceLabels: r.source_labels } : {}),
      ...(r.target_label ? { targetLabel: r.target_label } : {}),
      ...(r.action ? { action: r.action } : {}),
      ...(r.regex ? { regex: r.regex } : {}),
    }))
    expect(ep?.relabelings.slice(0, converted.length)).toEqual(converted)
    for (const target of ['node', 'instance']) {
      expect(ep?.relabelings.find((r) => r.targetLabel === target)?.sourceLabels).toEqual(['__meta_kubernetes_pod_node_name'])
    }
    // The operator's own target labels are dropped, so series match the whole stack's.
    expect(ep?.relabelings.at(-1)).toEqual({ action: 'labeldrop', regex: '^(namespace|pod|container|endpoint)$' })
  })

  test('the PrometheusRule holds every group of every rules/*.yml, in the stack namespace', () => {
    const pr = find(objs, 'PrometheusRule', 'odin-rules')
    expect(pr.metadata.namespace).toBe(ns)
    expect(pr.metadata.labels).toMatchObject(labels)
    const groups = ruleFiles().flatMap((f) => (parse(readFileSync(join(repoRoot, 'rules', f), 'utf8')) as { groups: unknown[] }).groups)
    expect((pr.spec as { groups: unknown[] }).groups).toEqual(groups)
  })

  test("each dashboard is a ConfigMap for Grafana's sidecar, in the odin folder, byte for byte", () => {
    const cms = objs.filter((o) => o.kind === 'ConfigMap')
    const files = cms.flatMap((c) => Object.keys(c.data as Record<string, string>))
    expect(files.sort()).toEqual(
      readFileSync(join(repoRoot, 'dashboards', 'kustomization.yaml'), 'utf8')
        .match(/\w+\.json/g)
        ?.sort(),
    )
    for (const cm of cms) {
      expect(cm.metadata.namespace).toBe(ns)
      expect(cm.metadata.labels?.grafana_dashboard).toBe('1')
      expect((cm.metadata as { annotations?: Record<string, string> }).annotations).toEqual({ grafana_folder: 'odin' })
      for (const [file, text] of Object.entries(cm.data as Record<string, string>)) {
        expect(text).toBe(readFileSync(join(repoRoot, 'dashboards', file), 'utf8'))
      }
    }
  })
})

describe('the schemas bite', () => {
  const objs = docs(KPS)
  test('a PodMonitor or PrometheusRule with a wrong field fails validation', () => {
    const pm = structuredClone(find(objs, 'PodMonitor', 'odin-agent')) as K8sObject & { spec: { podMetricsEndpoints: { relabelings: Relabel[] }[] } }
    ;(pm.spec.podMetricsEndpoints[0] as { relabelings: Relabel[] }).relabelings.push({ action: 'frobnicate' })
    expect(() => new PodMonitor(pm as never).validate()).toThrow()
    const pr = structuredClone(find(objs, 'PrometheusRule', 'odin-rules')) as K8sObject & { spec: { groups: { rules: unknown[] }[] } }
    ;(pr.spec.groups[0] as { rules: unknown[] }).rules.push({ record: 'no:expr' }) // expr is required
    expect(() => new PrometheusRule(pr as never).validate()).toThrow()
  })
})

test.skipIf(!findTool('promtool'))("promtool check rules passes on the PrometheusRule's groups", () => {
  const pr = find(docs(KPS), 'PrometheusRule', 'odin-rules')
  const file = join(tmp, 'prometheusrule.yml')
  writeFileSync(file, stringify(pr.spec))
  const out = execFileSync(findTool('promtool') as string, ['check', 'rules', file], { encoding: 'utf8', timeout: 60_000 })
  expect(out).toMatch(/SUCCESS: \d+ rules found/)
})

test('the command prints the operator objects and exits 0', async () => {
  let stdout = ''
  let stderr = ''
  const rc = await runManifestsCommand(
    ['--prometheus-operator', '--namespace=monitoring', '--prometheus-operator-labels', 'release=kube-prometheus-stack,team=infra'],
    { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s) },
    assets,
  )
  expect([rc, stderr]).toEqual([0, ''])
  const objs = parseAllDocuments(stdout).map((d) => d.toJS() as K8sObject)
  expect(find(objs, 'PodMonitor', 'odin-agent').metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', team: 'infra' })
  expect(stdout.split('\n')[0]).toContain('Prometheus Operator')
})

describe('toOperatorRelabel', () => {
  test.each([
    [
      { source_labels: ['a', 'b'], separator: ';', target_label: 'x', regex: '(.*)', replacement: '$1', action: 'replace' },
      { sourceLabels: ['a', 'b'], separator: ';', targetLabel: 'x', regex: '(.*)', replacement: '$1', action: 'replace' },
    ],
    [
      { action: 'hashmod', source_labels: ['__address__'], modulus: 4, target_label: '__tmp' },
      { action: 'hashmod', sourceLabels: ['__address__'], modulus: 4, targetLabel: '__tmp' },
    ],
    [{}, {}],
  ])('%j', (input, expected) => {
    expect(toOperatorRelabel(input)).toEqual(expected)
  })

  test.each([[{ target_labels: 'typo' }], [{ __proto__x: 1 }], [{ sourceLabels: ['already camel'] }]])('refuses %j', (input) => {
    expect(() => toOperatorRelabel(input)).toThrow(OperatorTranslationError)
  })
})
