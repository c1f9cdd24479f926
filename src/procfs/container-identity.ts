/**
 * Container identity from the runtime's and the kubelet's files on disk, without the
 * Kubernetes API. Every parser keeps only names, image and flags: an OCI `config.json` and
 * Docker's `config.v2.json` also hold the process environment (often secrets), which is
 * never kept, returned or put in an error message.
 */

export interface ContainerIdentity {
  readonly namespace?: string
  readonly pod?: string
  readonly podUid?: string
  readonly container?: string
  readonly image?: string
  /** The pod's sandbox (pause) container. */
  readonly sandbox: boolean
  /** cAdvisor's `name` label: Docker's container name; containerd and CRI-O use the ID. */
  readonly name?: string
  /** The restart count N of the running instance (kubelet log tree only). */
  readonly restarts?: number
}

/** Largest identity file parsed; a bigger one is not a real runtime file. */
export const MAX_IDENTITY_FILE_BYTES = 4 * 1024 * 1024

type Json = Record<string, unknown>

function object(v: unknown): Json | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined
}

/**
 * Parses JSON keeping nothing under an `env`/`Env` key (the reviver drops it as the parse
 * builds the object). Undefined for malformed or oversized text.
 */
function parseWithoutEnv(text: string): Json | undefined {
  if (text.length > MAX_IDENTITY_FILE_BYTES) return undefined
  try {
    return object(JSON.parse(text, (key, value: unknown) => (key === 'env' || key === 'Env' ? undefined : value)))
  } catch {
    return undefined
  }
}

const CRI = 'io.kubernetes.cri.'
const CRIO = 'io.kubernetes.cri-o.'

/**
 * An OCI bundle `config.json` (containerd: run/containerd/io.containerd.runtime.v2.task/k8s.io/<id>/;
 * CRI-O: run/containers/storage/overlay-containers/<id>/userdata/), its `annotations` only:
 * containerd's `io.kubernetes.cri.*` (container-type, container-name, sandbox-name,
 * sandbox-namespace, sandbox-uid, image-name, podsandbox.image-name) or CRI-O's
 * `io.kubernetes.cri-o.*` with the kubelet's `io.kubernetes.{pod,container}.*`.
 * Undefined when the file is malformed or has no Kubernetes annotation.
 */
export function parseOciAnnotations(text: string): ContainerIdentity | undefined {
  const annotations = object(parseWithoutEnv(text)?.annotations)
  if (!annotations) return undefined
  const a = (key: string) => str(annotations[key])
  const type = a(`${CRI}container-type`)
  if (type !== undefined) {
    const sandbox = type === 'sandbox'
    return {
      namespace: a(`${CRI}sandbox-namespace`),
      pod: a(`${CRI}sandbox-name`),
      podUid: a(`${CRI}sandbox-uid`),
      container: sandbox ? undefined : a(`${CRI}container-name`),
      image: sandbox ? (a(`${CRI}podsandbox.image-name`) ?? a(`${CRI}image-name`)) : a(`${CRI}image-name`),
      sandbox,
    }
  }
  const crioType = a(`${CRIO}ContainerType`)
  if (crioType !== undefined) {
    const labels = object(safeParse(a(`${CRIO}Labels`)))
    const l = (key: string) => a(key) ?? str(labels?.[key])
    const sandbox = crioType === 'sandbox'
    return {
      namespace: l('io.kubernetes.pod.namespace') ?? a(`${CRIO}Namespace`),
      pod: l('io.kubernetes.pod.name'),
      podUid: l('io.kubernetes.pod.uid'),
      container: sandbox ? 'POD' : l('io.kubernetes.container.name'),
      image: a(`${CRIO}ImageName`) ?? a(`${CRIO}Image`),
      sandbox,
    }
  }
  return undefined
}

function safeParse(text: string | undefined): unknown {
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/**
 * Docker's var/lib/docker/containers/<id>/config.v2.json: `Name` (cAdvisor's `name`,
 * without the leading "/"), `Config.Image` and, for dockershim pods, the kubelet's
 * `io.kubernetes.*` labels in `Config.Labels`. `Config.Env` is never kept. Undefined when
 * malformed or nameless.
 */
export function parseDockerConfig(text: string): ContainerIdentity | undefined {
  const doc = parseWithoutEnv(text)
  const name = str(doc?.Name)?.replace(/^\//, '')
  if (!doc || name === undefined) return undefined
  const config = object(doc.Config)
  const labels = object(config?.Labels)
  const l = (key: string) => str(labels?.[key])
  const sandbox = l('io.kubernetes.docker.type') === 'podsandbox'
  return {
    namespace: l('io.kubernetes.pod.namespace'),
    pod: l('io.kubernetes.pod.name'),
    podUid: l('io.kubernetes.pod.uid'),
    container: sandbox ? 'POD' : l('io.kubernetes.container.name'),
    image: str(config?.Image),
    sandbox,
    name,
  }
}

/**
 * containers/storage's registry of a podman host, var/lib/containers/storage/<driver>-containers/containers.json:
 * a list of `{id, names, image, metadata}` where `metadata` is a JSON string podman writes
 * (libpod's RuntimeContainerMetadata: `image-name`, `image-id`, `name`, `created-at`). The
 * container's entry gives cAdvisor's `name` (metadata `name`, else `names[0]`) and image
 * (metadata `image-name`; an image ID alone is not an image name). Undefined when the
 * text is malformed or holds no entry for `id` (a CRI-O container shares this store but
 * is named by its OCI annotations, read first). The registry holds no environment.
 */
export function parsePodmanContainers(text: string, id: string): ContainerIdentity | undefined {
  if (text.length > MAX_IDENTITY_FILE_BYTES) return undefined
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!Array.isArray(doc)) return undefined
  const entry = doc.map(object).find((e) => e?.id === id)
  if (!entry) return undefined
  const meta = object(safeParse(str(entry.metadata)))
  const names = Array.isArray(entry.names) ? entry.names : []
  const name = str(meta?.name) ?? str(names[0])
  if (name === undefined) return undefined
  return { image: str(meta?.['image-name']), sandbox: false, name }
}

/** One entry of the kubelet's log tree: the link's name and the text it points to. */
export interface KubeletLogLink {
  readonly namespace: string
  readonly pod: string
  readonly podUid: string
  readonly container: string
  readonly containerId: string
  /** N of `<ctr>/<N>.log`: the running instance's restart count. */
  readonly restarts: number
}

const LINK_NAME = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)_([a-z0-9]([-a-z0-9]*[a-z0-9])?)_([a-z0-9]([-a-z0-9]*[a-z0-9])?)-([0-9a-f]{64})\.log$/
const LINK_TARGET = /(?:^|\/)([a-z0-9]([-a-z0-9]*[a-z0-9])?)_([a-z0-9]([-a-z0-9.]*[a-z0-9])?)_([0-9a-f-]{32,36})\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/(\d{1,9})\.log$/

/**
 * var/log/containers/<pod>_<ns>_<ctr>-<id>.log, a link whose text is
 * /var/log/pods/<ns>_<pod>_<uid>/<ctr>/<N>.log. The text is read, never followed (it is
 * host-absolute and dangles under a container's view of the root). Undefined when the name
 * is truncated (the kubelet cuts names over 251 characters) or malformed, or when name and
 * target disagree on namespace, pod or container.
 */
export function parseKubeletLogLink(name: string, target: string): KubeletLogLink | undefined {
  const n = LINK_NAME.exec(name)
  const t = LINK_TARGET.exec(target)
  if (!n || !t) return undefined
  const [pod, namespace, container] = [n[1] as string, n[3] as string, n[5] as string]
  if (t[1] !== namespace || t[3] !== pod || t[6] !== container) return undefined
  return { namespace, pod, podUid: t[5] as string, container, containerId: n[7] as string, restarts: Number(t[8]) }
}
