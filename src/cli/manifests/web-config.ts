import { isMap, isSeq, parseDocument } from 'yaml'
import type { K8sObject } from './kustomize.ts'
import { podSpecOf } from './kustomize.ts'

/**
 * `manifests --web-config`: the agent serves over TLS with basic auth (--web.config.file
 * from a Secret) and Prometheus' odin-agent job scrapes it with the CA and password from
 * another. The Secrets hold key material the cluster owner makes, so they are named here
 * and created with the commands in WEB_CONFIG_SECRETS_HELP, never printed: a re-applied
 * `manifests | kubectl apply` would otherwise overwrite them with placeholders.
 */
export const AGENT_WEB_SECRET = 'odin-agent-web-config'
export const SCRAPE_SECRET = 'odin-agent-scrape'
const AGENT_MOUNT = '/etc/odin-agent/web'
const PROM_MOUNT = '/etc/prometheus/odin-agent-scrape'
/** The name Prometheus checks the agent's certificate against (pod IPs are not in it). */
export const AGENT_TLS_SERVER_NAME = 'odin-agent'

export const WEB_CONFIG_SECRETS_HELP = (agentNs: string, stackNs: string) => `# --web-config reads two Secrets this output does not print. Create them first:
#   kubectl -n ${agentNs} create secret generic ${AGENT_WEB_SECRET} --from-file=web.yml --from-file=tls.crt --from-file=tls.key
#     web.yml: tls_server_config: {cert_file: tls.crt, key_file: tls.key}
#              basic_auth_users: {prometheus: <htpasswd -nBC 10 "" | tr -d ':\\n'>}
#     tls.crt: a certificate for DNS:${AGENT_TLS_SERVER_NAME}, signed by ca.crt
#   kubectl -n ${stackNs} create secret generic ${SCRAPE_SECRET} --from-file=ca.crt --from-literal=password=<the password>
`

interface Probe {
  httpGet?: { scheme?: string }
}
interface Container {
  args?: string[]
  readinessProbe?: Probe
  livenessProbe?: Probe
  startupProbe?: Probe
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[]
}

function isAgentDaemonSet(obj: K8sObject): boolean {
  return obj.kind === 'DaemonSet' && obj.metadata.labels?.['app.kubernetes.io/name'] === 'odin-agent'
}

export function applyWebConfig(objects: K8sObject[]): void {
  for (const obj of objects.filter(isAgentDaemonSet)) {
    const pod = podSpecOf(obj) as unknown as { containers: Container[]; volumes?: Record<string, unknown>[] }
    pod.volumes = [...(pod.volumes ?? []), { name: 'web-config', secret: { secretName: AGENT_WEB_SECRET, defaultMode: 0o400 } }]
    const agent = pod.containers[0]
    if (agent) {
      agent.args = [...(agent.args ?? []), `--web.config.file=${AGENT_MOUNT}/web.yml`]
      agent.volumeMounts = [...(agent.volumeMounts ?? []), { name: 'web-config', mountPath: AGENT_MOUNT, readOnly: true }]
      // /healthz and /ready stay without auth, but are served over TLS now.
      for (const probe of [agent.readinessProbe, agent.livenessProbe, agent.startupProbe]) {
        if (probe?.httpGet) {
          probe.httpGet.scheme = 'HTTPS'
        }
      }
    }
  }
  const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-config')
  const data = config?.data as Record<string, string> | undefined
  if (data?.['prometheus.yml'] === undefined) {
    return
  }
  const doc = parseDocument(data['prometheus.yml'])
  const jobs = doc.get('scrape_configs')
  for (const job of isSeq(jobs) ? jobs.items : []) {
    if (isMap(job) && job.get('job_name') === 'odin-agent') {
      job.set('scheme', 'https')
      job.set('tls_config', doc.createNode({ ca_file: `${PROM_MOUNT}/ca.crt`, server_name: AGENT_TLS_SERVER_NAME }))
      job.set('basic_auth', doc.createNode({ username: 'prometheus', password_file: `${PROM_MOUNT}/password` }))
    }
  }
  data['prometheus.yml'] = doc.toString({ lineWidth: 0 })
  for (const obj of objects.filter((o) => o.kind === 'Deployment' && o.metadata.name === 'prometheus')) {
    const pod = podSpecOf(obj) as unknown as { containers: Container[]; volumes?: Record<string, unknown>[] }
    pod.volumes = [...(pod.volumes ?? []), { name: 'odin-agent-scrape', secret: { secretName: SCRAPE_SECRET } }]
    const prom = pod.containers[0]
    if (prom) {
      prom.volumeMounts = [...(prom.volumeMounts ?? []), { name: 'odin-agent-scrape', mountPath: PROM_MOUNT, readOnly: true }]
    }
  }
}
