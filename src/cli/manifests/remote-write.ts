import type { K8sObject } from './kustomize.ts'
import { podSpecOf } from './kustomize.ts'
import type { RemoteWrite } from './render.ts'
import { editPrometheusConfig } from './yaml-edit.ts'

/** The Secret the user creates with the remote-write password or token; never printed. */
export const REMOTE_WRITE_SECRET = 'prometheus-remote-write'
const MOUNT = '/etc/prometheus/remote-write'

/** The `remote_write` entry of prometheus.yml; credentials are files from the Secret. */
export function remoteWriteConfig(rw: RemoteWrite, secretDir = MOUNT): Record<string, unknown> {
  const auth =
    rw.auth?.kind === 'bearer'
      ? { authorization: { type: 'Bearer', credentials_file: `${secretDir}/token` } }
      : rw.auth?.kind === 'basic'
        ? { basic_auth: { username: rw.auth.username, password_file: `${secretDir}/password` } }
        : {}
  return { url: rw.url, ...auth }
}

interface PodSpec {
  containers: { name: string; volumeMounts?: Record<string, unknown>[] }[]
  volumes?: Record<string, unknown>[]
}

/**
 * Prometheus ships every sample (scraped and recorded) to `rw.url` as well as keeping it.
 * With credentials, the Secret prometheus-remote-write is mounted read-only; the pod waits
 * for it rather than sending unauthenticated.
 */
export function applyRemoteWrite(objects: readonly K8sObject[], rw: RemoteWrite): void {
  editPrometheusConfig(objects, (doc) => {
    doc.set('remote_write', doc.createNode([remoteWriteConfig(rw)]))
  })
  if (rw.auth === undefined) {
    return
  }
  const prom = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'prometheus')
  const pod = prom ? (podSpecOf(prom) as PodSpec | undefined) : undefined
  const container = pod?.containers.find((c) => c.name === 'prometheus')
  if (!pod || !container) {
    return
  }
  pod.volumes = [...(pod.volumes ?? []), { name: 'remote-write', secret: { secretName: REMOTE_WRITE_SECRET } }]
  container.volumeMounts = [...(container.volumeMounts ?? []), { name: 'remote-write', mountPath: MOUNT, readOnly: true }]
}
