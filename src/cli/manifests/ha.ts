import type { K8sObject } from './kustomize.ts'
import { podSpecOf } from './kustomize.ts'
import { editGrafanaDatasources, editPrometheusConfig } from './yaml-edit.ts'

export const PROMETHEUS_REPLICAS = 2
export const ALERTMANAGER_REPLICAS = 2
export const THANOS_IMAGE = 'quay.io/thanos/thanos:v0.39.2'
/** The external label that tells the replicas apart; Thanos Query deduplicates on it. */
export const REPLICA_LABEL = 'replica'
const GRPC = 10901
const SIDECAR_HTTP = 10902
const CLUSTER_PORT = 9094

interface Container {
  name: string
  args?: string[]
  env?: Record<string, unknown>[]
  volumeMounts?: { name: string; mountPath: string }[]
  [k: string]: unknown
}
interface PodSpec {
  containers: Container[]
  volumes?: { name: string; [k: string]: unknown }[]
  [k: string]: unknown
}
interface WorkloadSpec {
  replicas?: number
  strategy?: unknown
  selector: unknown
  template: { metadata: { labels: Record<string, string> }; spec: PodSpec }
}

const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } }
const POD_NAME_ENV = { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }

function labelsOf(obj: K8sObject): Record<string, string> {
  return { ...(obj.metadata.labels ?? {}) }
}

/** A Deployment turned StatefulSet: stable pod names (prometheus-0, -1) for the replica label and the peers. */
function toStatefulSet(dep: K8sObject, replicas: number, serviceName: string, claims: K8sObject[]): K8sObject {
  const { strategy: _strategy, ...spec } = dep.spec as WorkloadSpec
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: dep.metadata,
    spec: {
      ...spec,
      replicas,
      serviceName,
      podManagementPolicy: 'Parallel',
      ...(claims.length > 0
        ? {
            volumeClaimTemplates: claims.map((c) => ({
              metadata: { name: c.metadata.name, labels: labelsOf(c) },
              spec: c.spec,
            })),
          }
        : {}),
    },
  }
}

function headlessService(name: string, namespace: string, labels: Record<string, string>, selector: Record<string, string>, ports: Record<string, unknown>[]): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels },
    spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector, ports },
  }
}

function thanosSidecar(): Container {
  return {
    name: 'thanos-sidecar',
    image: THANOS_IMAGE,
    args: ['sidecar', '--tsdb.path=/prometheus', '--prometheus.url=http://localhost:9090', `--grpc-address=0.0.0.0:${GRPC}`, `--http-address=0.0.0.0:${SIDECAR_HTTP}`],
    ports: [
      { name: 'grpc', containerPort: GRPC },
      { name: 'sidecar-http', containerPort: SIDECAR_HTTP },
    ],
    readinessProbe: { httpGet: { path: '/-/ready', port: 'sidecar-http' }, periodSeconds: 10 },
    resources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '256Mi' } },
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: [{ name: 'data', mountPath: '/prometheus' }],
  }
}

/** Prometheus: 2 replicas, each with its replica external label and a Thanos sidecar. */
function prometheusHa(objects: K8sObject[], namespace: string): K8sObject[] {
  const dep = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'prometheus')
  if (!dep) {
    return objects
  }
  const pod = podSpecOf(dep) as PodSpec
  const claimName = (pod.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim as { claimName?: string } | undefined)?.claimName
  const claim = objects.find((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === claimName)
  pod.volumes = pod.volumes?.filter((v) => v.name !== 'data')
  const prom = pod.containers.find((c) => c.name === 'prometheus') as Container
  prom.env = [...(prom.env ?? []), POD_NAME_ENV]
  pod.containers.push(thanosSidecar())
  const sts = toStatefulSet(dep, PROMETHEUS_REPLICAS, 'prometheus-headless', claim ? [{ ...claim, metadata: { ...claim.metadata, name: 'data' } }] : [])
  editPrometheusConfig(objects, (doc) => {
    // ${POD_NAME} is expanded from the environment (Prometheus 3 always; 2.x with
    // --enable-feature=expand-external-labels): prometheus-0, prometheus-1.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Prometheus expands it, not JavaScript
    doc.setIn(['global', 'external_labels', REPLICA_LABEL], '${POD_NAME}')
    if (doc.has('alerting')) {
      const peers = Array.from({ length: ALERTMANAGER_REPLICAS }, (_, i) => `alertmanager-${i}.alertmanager-headless:9093`)
      doc.set('alerting', doc.createNode({ alertmanagers: [{ static_configs: [{ targets: peers }] }] }))
    }
  })
  const labels = labelsOf(dep)
  const selector = { 'app.kubernetes.io/name': 'prometheus' }
  const queryLabels = { ...labels, 'app.kubernetes.io/name': 'thanos-query' }
  const querySelector = { 'app.kubernetes.io/name': 'thanos-query' }
  const query: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'thanos-query', namespace, labels: queryLabels },
    spec: {
      replicas: 1,
      selector: { matchLabels: querySelector },
      template: {
        metadata: { labels: queryLabels },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name: 'thanos-query',
              image: THANOS_IMAGE,
              args: [
                'query',
                '--http-address=0.0.0.0:9090',
                `--grpc-address=0.0.0.0:${GRPC}`,
                `--query.replica-label=${REPLICA_LABEL}`,
                `--endpoint=dnssrv+_grpc._tcp.prometheus-headless.${namespace}.svc.cluster.local`,
              ],
              ports: [
                { name: 'http', containerPort: 9090 },
                { name: 'grpc', containerPort: GRPC },
              ],
              readinessProbe: { httpGet: { path: '/-/ready', port: 'http' }, periodSeconds: 10 },
              livenessProbe: { httpGet: { path: '/-/healthy', port: 'http' }, periodSeconds: 30 },
              resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '512Mi' } },
              securityContext: RESTRICTED_CONTAINER,
            },
          ],
        },
      },
    },
  }
  const queryService: K8sObject = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'thanos-query', namespace, labels: queryLabels },
    spec: { selector: querySelector, ports: [{ name: 'http', port: 9090, targetPort: 'http' }] },
  }
  const grpc = { name: 'grpc', port: GRPC, targetPort: 'grpc' }
  const web = { name: 'web', port: 9090, targetPort: 'web' }
  editGrafanaDatasources(objects, (doc) => {
    for (const ds of (doc.toJS() as { datasources?: { type: string }[] }).datasources?.entries() ?? []) {
      if (ds[1].type === 'prometheus') {
        doc.setIn(['datasources', ds[0], 'url'], 'http://thanos-query:9090')
      }
    }
  })
  return [...objects.filter((o) => o !== dep && o !== claim), sts, headlessService('prometheus-headless', namespace, labels, selector, [web, grpc]), query, queryService]
}

/** Alertmanager: 2 peers gossiping silences and notification state on 9094. */
function alertmanagerHa(objects: K8sObject[], namespace: string): K8sObject[] {
  const dep = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'alertmanager')
  if (!dep) {
    return objects
  }
  const pod = podSpecOf(dep) as PodSpec
  const am = pod.containers.find((c) => c.name === 'alertmanager') as Container
  const peers = Array.from({ length: ALERTMANAGER_REPLICAS }, (_, i) => `--cluster.peer=alertmanager-${i}.alertmanager-headless.${namespace}.svc:${CLUSTER_PORT}`)
  am.args = [...(am.args ?? []).filter((a) => !a.startsWith('--cluster.')), `--cluster.listen-address=0.0.0.0:${CLUSTER_PORT}`, ...peers]
  am.ports = [
    ...((am.ports as unknown[] | undefined) ?? []),
    { name: 'cluster-tcp', containerPort: CLUSTER_PORT, protocol: 'TCP' },
    { name: 'cluster-udp', containerPort: CLUSTER_PORT, protocol: 'UDP' },
  ]
  const sts = toStatefulSet(dep, ALERTMANAGER_REPLICAS, 'alertmanager-headless', [])
  const svc = headlessService('alertmanager-headless', namespace, labelsOf(dep), { 'app.kubernetes.io/name': 'alertmanager' }, [
    { name: 'web', port: 9093, targetPort: 'web' },
    { name: 'cluster-tcp', port: CLUSTER_PORT, targetPort: 'cluster-tcp', protocol: 'TCP' },
    { name: 'cluster-udp', port: CLUSTER_PORT, targetPort: 'cluster-udp', protocol: 'UDP' },
  ])
  return [...objects.filter((o) => o !== dep), sts, svc]
}

/**
 * `--ha`: Prometheus as a 2-replica StatefulSet with a `replica` external label and a
 * Thanos sidecar each, Thanos Query in front deduplicating on `replica` (Grafana's
 * datasource), and Alertmanager as a 2-peer cluster that both replicas alert to.
 */
export function applyHa(objects: K8sObject[], namespace: string): K8sObject[] {
  return alertmanagerHa(prometheusHa(objects, namespace), namespace)
}
