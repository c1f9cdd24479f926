/**
 * The kubelet's `/pods` (a v1.PodList), reduced to what container identity needs: per pod
 * UID its namespace, name and host-network flag, and per running container ID its names,
 * image, image reference and restart count. The optional fourth identity tier (off by
 * default; the agent talks to no Kubernetes API unless asked) and the identity oracle of
 * the tests. Container IDs lose their runtime scheme ("docker://", "containerd://").
 */

export interface KubeletPod {
  readonly namespace: string
  readonly pod: string
  readonly uid: string
  readonly hostNetwork: boolean
}

export interface KubeletContainer {
  readonly namespace: string
  readonly pod: string
  readonly podUid: string
  readonly container: string
  /** status.image: the image as the pod spec names it (containerd's image label). */
  readonly image: string
  /** status.imageID without its scheme: the digest reference Docker reports as Config.Image. */
  readonly imageRef: string
  readonly restarts: number
}

export interface KubeletPods {
  readonly pods: ReadonlyMap<string, KubeletPod>
  readonly containers: ReadonlyMap<string, KubeletContainer>
}

/** Largest body parsed (Netdata caps pod lists at 64 MiB). */
export const MAX_PODS_BYTES = 64 * 1024 * 1024

type Json = Record<string, unknown>
const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined)
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : [])
const str = (v: unknown): string => (typeof v === 'string' ? v : '')
const withoutScheme = (s: string): string => s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '')

/** Undefined for malformed or oversized text; pods and containers lacking names are skipped. */
export function parseKubeletPods(text: string): KubeletPods | undefined {
  if (text.length > MAX_PODS_BYTES) return undefined
  let doc: Json | undefined
  try {
    // The pod spec holds env values (secrets); nothing under an `env` key is kept.
    doc = obj(JSON.parse(text, (key, value: unknown) => (key === 'env' ? undefined : value)))
  } catch {
    return undefined
  }
  if (!doc) return undefined
  const pods = new Map<string, KubeletPod>()
  const containers = new Map<string, KubeletContainer>()
  for (const item of arr(doc.items)) {
    const meta = obj(obj(item)?.metadata)
    const [namespace, pod, uid] = [str(meta?.namespace), str(meta?.name), str(meta?.uid)]
    if (!namespace || !pod || !uid) continue
    pods.set(uid, { namespace, pod, uid, hostNetwork: obj(obj(item)?.spec)?.hostNetwork === true })
    const status = obj(obj(item)?.status)
    for (const cs of [...arr(status?.containerStatuses), ...arr(status?.initContainerStatuses)]) {
      const c = obj(cs)
      const id = withoutScheme(str(c?.containerID))
      const container = str(c?.name)
      if (!id || !container) continue
      const restarts = typeof c?.restartCount === 'number' ? c.restartCount : 0
      containers.set(id, { namespace, pod, podUid: uid, container, image: str(c?.image), imageRef: withoutScheme(str(c?.imageID)), restarts })
    }
  }
  return { pods, containers }
}
