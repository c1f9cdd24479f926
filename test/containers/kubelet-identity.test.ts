import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { classifyCgroupPath } from '../../src/procfs/cgroup-path.ts'
import { parseKubeletPods } from '../../src/procfs/kubelet-pods.ts'
import { HAVE_PEER, PEER_CADVISOR } from '../helpers/containers.ts'

/**
 * The identity oracle: a GKE node's kubelet /metrics/cadvisor (Docker, cgroupfs driver,
 * pre-1.16 label names container_name/pod_name) and its /pods from the same moment. The
 * cgroup path in `id` plus the pod list must give the kubelet's own labels.
 */

interface Series {
  readonly labels: Record<string, string>
}

function parseSeries(text: string): Series[] {
  const out: Series[] = []
  for (const line of text.split('\n')) {
    if (!line.startsWith('container_')) continue
    const body = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}'))
    const labels: Record<string, string> = {}
    for (const m of body.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[m[1] as string] = m[2] as string
    out.push({ labels })
  }
  return out
}

describe.skipIf(!HAVE_PEER)('identity from the cgroup path plus the kubelet pod list (datadog-gke pair)', () => {
  const dir = join(PEER_CADVISOR, 'datadog-gke')
  const series = HAVE_PEER ? parseSeries(readFileSync(join(dir, 'cadvisor_metrics.txt'), 'utf8')) : []
  const pods = HAVE_PEER ? parseKubeletPods(readFileSync(join(dir, 'pods.json'), 'utf8')) : undefined
  const kubepods = series.filter((s) => s.labels.id?.startsWith('/kubepods/'))

  it('classifies every kubepods id as QoS level, pod or container', () => {
    const kinds = new Set<string>()
    for (const s of kubepods) {
      const id = s.labels.id as string
      const cls = classifyCgroupPath(id)
      const depth = id.split('/').length - 1
      // /kubepods/<qos> is neither; /kubepods/<qos>/pod<uid> a pod; one more level a container
      expect(cls.kind, id).toBe(depth === 2 ? 'other' : depth === 3 ? 'pod' : 'container')
      kinds.add(cls.kind)
    }
    expect([...kinds].sort()).toEqual(['container', 'other', 'pod'])
  })

  it('resolves every container series to the kubelet namespace, pod, container and image', () => {
    const containers = kubepods.filter((s) => s.labels.container_name !== '' && s.labels.container_name !== 'POD')
    expect(containers.length).toBeGreaterThan(100)
    const unresolved = new Set<string>()
    for (const s of containers) {
      const cls = classifyCgroupPath(s.labels.id as string)
      if (cls.kind !== 'container') throw new Error(`${s.labels.id} is not a container`)
      const pod = pods?.pods.get(cls.podUid as string)
      // namespace and pod come from the UID for every series
      expect({ namespace: pod?.namespace, pod: pod?.pod }).toEqual({ namespace: s.labels.namespace, pod: s.labels.pod_name })
      const c = pods?.containers.get(cls.containerId)
      if (c === undefined) {
        unresolved.add(`${s.labels.pod_name}/${s.labels.container_name}`)
        continue
      }
      // Docker's Config.Image (the kubelet's image label) is the status imageID without docker-pullable://
      expect({ namespace: c.namespace, pod: c.pod, container: c.container, image: c.imageRef }).toEqual({
        namespace: s.labels.namespace,
        pod: s.labels.pod_name,
        container: s.labels.container_name,
        image: s.labels.image,
      })
    }
    // The one gap the fixture allows: the static kube-proxy pod's mirror has no containerStatuses
    // in this /pods snapshot, so its container name and image are not in the list.
    expect([...unresolved]).toEqual(['kube-proxy-gke-haissam-default-pool-be5066f1-wnvn/kube-proxy'])
  })

  it('resolves namespace and pod of every sandbox (POD) series from the UID', () => {
    const sandboxes = kubepods.filter((s) => s.labels.container_name === 'POD')
    expect(sandboxes.length).toBeGreaterThan(0)
    for (const s of sandboxes) {
      const cls = classifyCgroupPath(s.labels.id as string)
      const uid = cls.kind === 'container' ? cls.podUid : undefined
      const pod = pods?.pods.get(uid as string)
      expect({ namespace: pod?.namespace, pod: pod?.pod }).toEqual({ namespace: s.labels.namespace, pod: s.labels.pod_name })
    }
  })

  it('finds every pod-level id in the pod list (this pre-1.16 kubelet left their labels empty)', () => {
    const podLevel = kubepods.filter((s) => classifyCgroupPath(s.labels.id as string).kind === 'pod')
    expect(podLevel.length).toBeGreaterThan(0)
    for (const s of podLevel) {
      const cls = classifyCgroupPath(s.labels.id as string)
      expect(cls.kind === 'pod' && pods?.pods.has(cls.podUid), s.labels.id).toBe(true)
      expect({ namespace: s.labels.namespace, pod: s.labels.pod_name }).toEqual({ namespace: '', pod: '' })
    }
  })
})
