import { isMap, isSeq, parseDocument, stringify } from 'yaml'
import type { AssetSource } from '../../assets/asset-source.ts'
import { CLUSTER_SCOPED, buildKustomization, podSpecOf } from './kustomize.ts'
import type { K8sObject } from './kustomize.ts'
import { WEB_CONFIG_SECRETS_HELP, applyWebConfig } from './web-config.ts'

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
  readonly hostNetwork: boolean
  /** TLS and basic auth between Prometheus and the agent (see web-config.ts). */
  readonly webConfig?: boolean
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
]

function kindRank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind)
  return i === -1 ? KIND_ORDER.length : i
}

function componentOf(obj: K8sObject): string | undefined {
  return obj.metadata.labels?.[COMPONENT_LABEL]
}

/** Rewrites one embedded YAML file (a ConfigMap value) through the document API, keeping comments. */
function editYaml(text: string, edit: (doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(text)
  edit(doc)
  return doc.toString({ lineWidth: 0 })
}

function configMapData(objects: readonly K8sObject[], name: string): Record<string, string> | undefined {
  const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name)
  return cm?.data as Record<string, string> | undefined
}

/** Drops scrape jobs and datasources of components that are not printed. */
function trimToComponents(objects: K8sObject[], selected: ReadonlySet<string>): void {
  const prom = configMapData(objects, 'prometheus-config')
  if (prom?.['prometheus.yml'] !== undefined) {
    prom['prometheus.yml'] = editYaml(prom['prometheus.yml'], (doc) => {
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
  }
  const grafana = configMapData(objects, 'grafana-provisioning')
  if (grafana?.['datasources.yaml'] !== undefined) {
    grafana['datasources.yaml'] = editYaml(grafana['datasources.yaml'], (doc) => {
      const list = doc.get('datasources')
      if (isSeq(list)) {
        list.items = list.items.filter((item) => {
          const type = isMap(item) ? String(item.get('type')) : ''
          return !(COMPONENTS as readonly string[]).includes(type) || selected.has(type)
        })
      }
    })
  }
}

/** Moves everything from odin / odin-agent to N / N-agent, including the references. */
function renameNamespaces(objects: K8sObject[], namespace: string): void {
  const map = new Map([
    [BASE_NAMESPACE, namespace],
    [BASE_NAMESPACE + AGENT_NAMESPACE_SUFFIX, namespace + AGENT_NAMESPACE_SUFFIX],
  ])
  const to = (ns: string): string => map.get(ns) ?? ns
  const clusterName = (name: string): string =>
    name.startsWith(`${BASE_NAMESPACE}-`) ? namespace + name.slice(BASE_NAMESPACE.length) : name
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
  const prom = configMapData(objects, 'prometheus-config')
  if (prom?.['prometheus.yml'] !== undefined) {
    prom['prometheus.yml'] = editYaml(prom['prometheus.yml'], (doc) => {
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

/** The objects `odin-agent manifests` prints for these options, in apply order. */
export function buildManifests(assets: AssetSource, options: ManifestOptions): K8sObject[] {
  let objects = buildKustomization(assets, options.gpu ? 'k8s/gpu' : 'k8s')
  const selected = new Set<string>(options.components)
  objects = objects.filter((o) => {
    const c = componentOf(o)
    return c === undefined || selected.has(c)
  })
  if (selected.size < COMPONENTS.length) {
    trimToComponents(objects, selected)
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
  if (options.storageClass !== undefined) {
    for (const obj of objects.filter((o) => o.kind === 'PersistentVolumeClaim')) {
      const spec = obj.spec as Record<string, unknown>
      spec.storageClassName = options.storageClass
    }
  }
  return objects
    .map((obj, i) => ({ obj, i }))
    .sort((a, b) => kindRank(a.obj.kind) - kindRank(b.obj.kind) || a.i - b.i)
    .map(({ obj }) => obj)
}

/** Multi-document YAML for `kubectl apply -f -`. */
export function renderManifests(assets: AssetSource, options: ManifestOptions): string {
  const header = `# odin-agent manifests${options.version ? ` ${options.version}` : ''}: namespaces ${options.namespace} and ${options.namespace}${AGENT_NAMESPACE_SUFFIX}; components ${options.components.join(',')}${options.gpu ? '; GPU variant' : ''}\n`
  const secrets = options.webConfig ? WEB_CONFIG_SECRETS_HELP(options.namespace + AGENT_NAMESPACE_SUFFIX, options.namespace) : ''
  return header + secrets + buildManifests(assets, options).map((o) => `---\n${stringify(o, { lineWidth: 0 })}`).join('')
}
