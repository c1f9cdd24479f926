import { isMap, isSeq, stringify } from 'yaml'
import type { AssetSource } from '../../assets/asset-source.ts'
import { applyHa } from './ha.ts'
import { CLUSTER_SCOPED, buildKustomization, podSpecOf } from './kustomize.ts'
import type { K8sObject } from './kustomize.ts'
import { WEB_CONFIG_SECRETS_HELP, applyWebConfig } from './web-config.ts'
import { operatorObjects } from './operator.ts'
import { applyRemoteWrite } from './remote-write.ts'
import { renderScrapeConfig } from './scrape-config.ts'
import { editGrafanaDatasources, editPrometheusConfig } from './yaml-edit.ts'

export const COMPONENTS = ['agent', 'prometheus', 'alertmanager', 'grafana', 'loki'] as const
export type Component = (typeof COMPONENTS)[number]

/** The namespaces the kustomize base is written for; `--namespace` renames both. */
export const BASE_NAMESPACE = 'odin'
export const AGENT_NAMESPACE_SUFFIX = '-agent'
const COMPONENT_LABEL = 'app.kubernetes.io/component'
const AGENT_IMAGE = 'ghcr.io/odin-agent/odin-agent'

export interface ManifestOptions {
  /** Stack namespace; the agent runs in `<namespace>-agent`. */
  readonly namespace: string
  /** Agent image; by default the embedded kustomization's image at `version`. */
  readonly image?: string
  /** The binary's version, used as the default image tag (undefined when run from source). */
  readonly version?: string
  readonly components: readonly Component[]
  readonly storageClass?: string
  readonly gpu: boolean
  /** The kubelet /pods identity tier (k8s/components/kubelet-pods). */
  readonly kubeletPods?: boolean
  readonly hostNetwork: boolean
  /** TLS and basic auth between Prometheus and the agent (see web-config.ts). */
  readonly webConfig?: boolean
  /** Grafana's Prometheus datasource, for a stack without our Prometheus. */
  readonly prometheusUrl?: string
  /** Two Prometheus replicas with Thanos sidecars and Thanos Query; two Alertmanager peers. */
  readonly ha?: boolean
  readonly remoteWrite?: RemoteWrite
  /** Agent, PodMonitor, PrometheusRule and sidecar dashboards for the Prometheus Operator. */
  readonly prometheusOperator?: boolean
  /** Labels the operator's Prometheus selects PodMonitors and PrometheusRules on. */
  readonly prometheusOperatorLabels?: Readonly<Record<string, string>>
  /** Print only the odin-agent scrape job (`--scrape-config`). */
  readonly scrapeConfig?: boolean
}

/** Remote-write credentials come from the Secret prometheus-remote-write, never from flags. */
export type RemoteWriteAuth = { readonly kind: 'bearer' } | { readonly kind: 'basic'; readonly username: string }
export interface RemoteWrite {
  readonly url: string
  readonly auth?: RemoteWriteAuth
}

export const DEFAULT_OPTIONS: ManifestOptions = {
  namespace: BASE_NAMESPACE,
  components: COMPONENTS,
  gpu: false,
  hostNetwork: false,
}

/** kubectl applies in stream order: namespaces and identities first, workloads last. */
const KIND_ORDER = [
  'Namespace',
  'ServiceAccount',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Service',
  'PersistentVolumeClaim',
  'NetworkPolicy',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'PodMonitor',
  'PrometheusRule',
]

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind)
  return i === -1 ? KIND_ORDER.length : i
}

function componentOf(obj: K8sObject): string | undefined {
  return obj.metadata.labels?.[COMPONENT_LABEL]
}

/** Drops scrape jobs and datasources of components that are not printed; points Grafana at `prometheusUrl`. */
function trimToComponents(objects: K8sObject[], selected: ReadonlySet<string>, prometheusUrl: string | undefined): void {
  editPrometheusConfig(objects, (doc) => {
    if (!selected.has('alertmanager')) {
      doc.delete('alerting')
    }
    const jobs = doc.get('scrape_configs')
    if (isSeq(jobs)) {
      jobs.items = jobs.items.filter((item) => {
        const job = isMap(item) ? String(item.get('job_name')) : ''
        const component = job === 'odin-agent' ? 'agent' : job
        return !(COMPONENTS as readonly string[]).includes(component) || selected.has(component)
      })
    }
  })
  editGrafanaDatasources(objects, (doc) => {
    const list = doc.get('datasources')
    if (isSeq(list)) {
      list.items = list.items.filter((item) => {
        const type = isMap(item) ? String(item.get('type')) : ''
        return !(COMPONENTS as readonly string[]).includes(type) || selected.has(type) || (type === 'prometheus' && prometheusUrl !== undefined)
      })
      for (const item of list.items) {
        if (prometheusUrl !== undefined && isMap(item) && item.get('type') === 'prometheus') {
          item.set('url', prometheusUrl)
        }
      }
    }
  })
}

/** Moves everything from odin / odin-agent to N / N-agent, including the references. */
function renameNamespaces(objects: K8sObject[], namespace: string): void {
  const map = new Map([
    [BASE_NAMESPACE, namespace],
    [BASE_NAMESPACE + AGENT_NAMESPACE_SUFFIX, namespace + AGENT_NAMESPACE_SUFFIX],
  ])
  const to = (ns: string): string => map.get(ns) ?? ns
  const clusterName = (name: string): string => (name.startsWith(`${BASE_NAMESPACE}-`) ? namespace + name.slice(BASE_NAMESPACE.length) : name)
  for (const obj of objects) {
    if (obj.kind === 'Namespace') {
      obj.metadata.name = to(obj.metadata.name)
    } else if (CLUSTER_SCOPED.has(obj.kind)) {
      obj.metadata.name = clusterName(obj.metadata.name)
    } else if (obj.metadata.namespace !== undefined) {
      obj.metadata.namespace = to(obj.metadata.namespace)
    }
    if (obj.kind === 'RoleBinding' || obj.kind === 'ClusterRoleBinding') {
      for (const s of (obj.subjects as { namespace?: string }[] | undefined) ?? []) {
        if (s.namespace !== undefined) {
          s.namespace = to(s.namespace)
        }
      }
      const ref = obj.roleRef as { kind: string; name: string }
      if (ref.kind === 'ClusterRole') {
        ref.name = clusterName(ref.name)
      }
    }
    if (obj.kind === 'NetworkPolicy') {
      const spec = obj.spec as { ingress?: { from?: { namespaceSelector?: { matchLabels?: Record<string, string> } }[] }[] }
      for (const rule of spec.ingress ?? []) {
        for (const peer of rule.from ?? []) {
          const labels = peer.namespaceSelector?.matchLabels
          const name = labels?.['kubernetes.io/metadata.name']
          if (labels && name !== undefined) {
            labels['kubernetes.io/metadata.name'] = to(name)
          }
        }
      }
    }
  }
  editPrometheusConfig(objects, (doc) => {
    const jobs = doc.get('scrape_configs')
    for (const job of isSeq(jobs) ? jobs.items : []) {
      const sds = isMap(job) ? job.get('kubernetes_sd_configs') : undefined
      for (const sd of isSeq(sds) ? sds.items : []) {
        const names = isMap(sd) ? sd.getIn(['namespaces', 'names']) : undefined
        for (const item of isSeq(names) ? names.items : []) {
          if (item && typeof item === 'object' && 'value' in item && typeof item.value === 'string') {
            item.value = to(item.value)
          }
        }
      }
    }
  })
}

function setAgentImage(objects: K8sObject[], image: string): void {
  for (const obj of objects) {
    for (const c of podSpecOf(obj)?.containers ?? []) {
      if (c.image !== undefined && (c.image === AGENT_IMAGE || c.image.startsWith(`${AGENT_IMAGE}:`) || c.image.startsWith(`${AGENT_IMAGE}@`))) {
        c.image = image
      }
    }
  }
}

function isAgentDaemonSet(obj: K8sObject): boolean {
  return obj.kind === 'DaemonSet' && obj.metadata.labels?.['app.kubernetes.io/name'] === 'odin-agent'
}

/** The stack for these components, in the chosen namespaces, with the chosen agent image. */
export function stackObjects(assets: AssetSource, options: ManifestOptions, components: readonly Component[]): K8sObject[] {
  let objects = buildKustomization(assets, options.gpu ? 'k8s/gpu' : 'k8s', options.kubeletPods ? ['k8s/components/kubelet-pods'] : [])
  const selected = new Set<string>(components)
  objects = objects.filter((o) => {
    const c = componentOf(o)
    return c === undefined || selected.has(c)
  })
  if (selected.size < COMPONENTS.length) {
    trimToComponents(objects, selected, options.prometheusUrl)
  }
  if (options.hostNetwork) {
    // The agent shares the node's network namespace: node_network_* describe the host,
    // and the NetworkPolicy cannot select a host-network pod, so it is left out.
    objects = objects.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata.name === 'odin-agent-from-prometheus'))
    for (const obj of objects.filter(isAgentDaemonSet)) {
      const pod = podSpecOf(obj) as Record<string, unknown>
      pod.hostNetwork = true
      pod.dnsPolicy = 'ClusterFirstWithHostNet'
    }
  }
  if (options.webConfig) {
    applyWebConfig(objects)
  }
  if (options.namespace !== BASE_NAMESPACE) {
    renameNamespaces(objects, options.namespace)
  }
  const version = options.version
  if (options.image !== undefined) {
    setAgentImage(objects, options.image)
  } else if (version !== undefined) {
    setAgentImage(objects, `${AGENT_IMAGE}:${version}`)
  }
  return objects
}

function setStorageClass(objects: readonly K8sObject[], storageClass: string): void {
  for (const obj of objects) {
    const claims =
      obj.kind === 'PersistentVolumeClaim'
        ? [obj.spec as Record<string, unknown>]
        : obj.kind === 'StatefulSet'
          ? ((obj.spec as { volumeClaimTemplates?: { spec: Record<string, unknown> }[] }).volumeClaimTemplates ?? []).map((t) => t.spec)
          : []
    for (const spec of claims) {
      spec.storageClassName = storageClass
    }
  }
}

/** A Namespace that would hold nothing is not printed (`--components agent` has no stack namespace). */
function dropEmptyNamespaces(objects: readonly K8sObject[]): K8sObject[] {
  const used = new Set(objects.map((o) => o.metadata.namespace).filter((n) => n !== undefined))
  return objects.filter((o) => o.kind !== 'Namespace' || used.has(o.metadata.name))
}

/** The objects `odin-agent manifests` prints for these options, in apply order. */
export function buildManifests(assets: AssetSource, options: ManifestOptions): K8sObject[] {
  let objects: K8sObject[]
  if (options.prometheusOperator) {
    objects = operatorObjects(stackObjects(assets, options, COMPONENTS), options.namespace, options.prometheusOperatorLabels ?? {})
  } else {
    objects = stackObjects(assets, options, options.components)
    if (options.remoteWrite !== undefined) {
      applyRemoteWrite(objects, options.remoteWrite)
    }
    if (options.ha) {
      objects = applyHa(objects, options.namespace)
    }
    if (options.storageClass !== undefined) {
      setStorageClass(objects, options.storageClass)
    }
  }
  return dropEmptyNamespaces(objects)
    .map((obj, i) => ({ obj, i }))
    .sort((a, b) => kindRank(a.obj.kind) - kindRank(b.obj.kind) || a.i - b.i)
    .map(({ obj }) => obj)
}

/** Multi-document YAML for `kubectl apply -f -`. */
export function renderManifests(assets: AssetSource, options: ManifestOptions): string {
  if (options.scrapeConfig) {
    return renderScrapeConfig(stackObjects(assets, options, ['agent', 'prometheus']), options.namespace)
  }
  const what = options.prometheusOperator
    ? `for the Prometheus Operator (agent, PodMonitor, PrometheusRule, dashboards)`
    : `components ${options.components.join(',')}${options.ha ? '; HA (Thanos)' : ''}${options.remoteWrite ? '; remote write' : ''}`
  const header = `# odin-agent manifests${options.version ? ` ${options.version}` : ''}: namespaces ${options.namespace} and ${options.namespace}${AGENT_NAMESPACE_SUFFIX}; ${what}${options.gpu ? '; GPU variant' : ''}${options.webConfig ? '; TLS and basic auth' : ''}\n`
  const secrets = options.webConfig ? WEB_CONFIG_SECRETS_HELP(options.namespace + AGENT_NAMESPACE_SUFFIX, options.namespace) : ''
  return (
    header +
    secrets +
    buildManifests(assets, options)
      .map((o) => `---\n${stringify(o, { lineWidth: 0 })}`)
      .join('')
  )
}
