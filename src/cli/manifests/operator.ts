import { parse } from 'yaml'
import type { K8sObject } from './kustomize.ts'
import { AGENT_JOB, agentScrapeJob } from './scrape-config.ts'
import { configMapData } from './yaml-edit.ts'

const AGENT_NAMESPACE_SUFFIX = '-agent'
const PART_OF = { 'app.kubernetes.io/name': 'odin-agent', 'app.kubernetes.io/part-of': 'odin' }
/** Grafana's dashboard sidecar (kube-prometheus-stack's default label and value). */
export const DASHBOARD_LABEL = { grafana_dashboard: '1' }
/** Read by the sidecar when `sidecar.dashboards.folderAnnotation` names it. */
export const FOLDER_ANNOTATION = 'grafana_folder'
/** Labels the operator adds to every PodMonitor target; the embedded job has none of them. */
const OPERATOR_TARGET_LABELS = '^(namespace|pod|container|endpoint)$'

/** The embedded stack holds something the operator objects cannot express. */
export class OperatorTranslationError extends Error {
  override readonly name = 'OperatorTranslationError'
}

type Relabel = Record<string, unknown>
const CAMEL: Record<string, string> = {
  source_labels: 'sourceLabels',
  target_label: 'targetLabel',
  separator: 'separator',
  regex: 'regex',
  modulus: 'modulus',
  replacement: 'replacement',
  action: 'action',
}

/** A Prometheus relabel_config in the operator's RelabelConfig spelling. */
export function toOperatorRelabel(r: Relabel): Relabel {
  const out: Relabel = {}
  for (const [k, v] of Object.entries(r)) {
    const key = CAMEL[k]
    if (key === undefined) {
      throw new OperatorTranslationError(`odin-agent job: relabel field ${k} has no Prometheus Operator equivalent`)
    }
    out[key] = v
  }
  return out
}

/**
 * The embedded odin-agent job as a PodMonitor: same pods, port, interval and relabelling,
 * so series carry the same job, instance and node as with the whole stack. The agent is a
 * DaemonSet that needs no Service, so a PodMonitor rather than Service + ServiceMonitor:
 * one object fewer and no Endpoints churn, with identical targets.
 */
function podMonitor(job: Record<string, unknown>, agentNamespace: string, labels: Record<string, string>): K8sObject {
  const relabels = ((job.relabel_configs as Relabel[] | undefined) ?? []).map(toOperatorRelabel)
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: { name: AGENT_JOB, namespace: agentNamespace, labels: { ...PART_OF, ...labels } },
    spec: {
      // job="odin-agent", the value of this pod label: the rules select on it.
      jobLabel: 'app.kubernetes.io/name',
      selector: { matchLabels: { 'app.kubernetes.io/name': 'odin-agent' } },
      namespaceSelector: { matchNames: [agentNamespace] },
      ...(typeof job.sample_limit === 'number' ? { sampleLimit: job.sample_limit } : {}),
      podMetricsEndpoints: [
        {
          port: 'metrics',
          ...(typeof job.scrape_interval === 'string' ? { interval: job.scrape_interval } : {}),
          relabelings: [...relabels, { action: 'labeldrop', regex: OPERATOR_TARGET_LABELS }],
        },
      ],
    },
  }
}

/** Every rule file of the odin-rules ConfigMap (rules/*.yml), its groups in one PrometheusRule. */
function prometheusRule(objects: readonly K8sObject[], namespace: string, labels: Record<string, string>): K8sObject {
  const files = configMapData(objects, 'odin-rules') ?? {}
  const groups = Object.keys(files)
    .sort()
    .flatMap((f) => (parse(files[f] as string) as { groups: Record<string, unknown>[] }).groups)
  const names = groups.map((g) => g.name)
  const dup = names.find((n, i) => names.indexOf(n) !== i)
  if (dup !== undefined) {
    throw new OperatorTranslationError(`rules/: group ${String(dup)} is defined twice, and one PrometheusRule cannot hold both`)
  }
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: { name: 'odin-rules', namespace, labels: { ...PART_OF, ...labels } },
    spec: { groups },
  }
}

/** The dashboards' ConfigMaps, labelled for Grafana's sidecar and put in the odin folder. */
function sidecarDashboards(objects: readonly K8sObject[], namespace: string): K8sObject[] {
  return objects
    .filter((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('odin-dashboard-'))
    .map((o) => ({
      ...o,
      metadata: {
        name: o.metadata.name,
        namespace,
        labels: { 'app.kubernetes.io/part-of': 'odin', ...DASHBOARD_LABEL },
        annotations: { [FOLDER_ANNOTATION]: 'odin' },
      },
    }))
}

/**
 * `--prometheus-operator`: what a cluster running kube-prometheus-stack needs from us. The
 * agent, its namespace and NetworkPolicy (Prometheus in `namespace` may scrape it), a
 * PodMonitor, a PrometheusRule and the dashboards. The stack namespace is the user's and is
 * not printed: applying our Namespace object would relabel theirs.
 */
export function operatorObjects(stack: readonly K8sObject[], namespace: string, labels: Readonly<Record<string, string>>): K8sObject[] {
  const agentNamespace = namespace + AGENT_NAMESPACE_SUFFIX
  const agent = stack.filter(
    (o) =>
      (o.kind === 'Namespace' && o.metadata.name === agentNamespace) ||
      o.metadata.labels?.['app.kubernetes.io/component'] === 'agent' ||
      (o.kind === 'NetworkPolicy' && o.metadata.name === 'odin-agent-from-prometheus'),
  )
  return [...agent, podMonitor(agentScrapeJob(stack), agentNamespace, { ...labels }), prometheusRule(stack, namespace, { ...labels }), ...sidecarDashboards(stack, namespace)]
}
