/**
 * Classifies a cgroup path (as walked under /sys/fs/cgroup, or as printed in
 * /proc/PID/cgroup, possibly through a cgroup namespace with leading "../") into a
 * Kubernetes pod, a container, or neither. Segments are matched, never anchored at "/":
 *
 * - kubelet systemd driver: kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice/cri-containerd-<id>.scope
 *   (guaranteed pods sit directly under kubepods.slice as kubepods-pod<uid>.slice; kind
 *   prefixes every segment with "kubelet-"; CRI-O scopes are crio-<id>.scope, Docker's docker-<id>.scope)
 * - kubelet cgroupfs driver (k3s, GKE with Docker): kubepods/burstable/pod<uid>/<id>
 * - bare Docker: docker-<id>.scope (systemd driver) or docker/<id> (cgroupfs); podman: libpod-<id>.scope
 *   (systemd manager) or libpod_parent/libpod-<id> (cgroupfs manager)
 *
 * Skipped: systemd `.mount` units (they carry a container ID but hold no container),
 * CRI-O's `crio-conmon-<id>.scope` monitor and podman's `libpod-conmon-<id>.scope`.
 */

export type QosClass = 'guaranteed' | 'burstable' | 'besteffort'
export type RuntimeHint = 'containerd' | 'crio' | 'docker' | 'podman'

export type CgroupClass =
  | { readonly kind: 'pod'; readonly podUid: string; readonly qos: QosClass }
  | {
      readonly kind: 'container'
      readonly containerId: string
      /** From the scope prefix; undefined on the cgroupfs driver, where the leaf is the bare ID. */
      readonly runtime: RuntimeHint | undefined
      /** Set for a container inside a Kubernetes pod. */
      readonly podUid: string | undefined
      readonly qos: QosClass | undefined
    }
  | { readonly kind: 'other' }

/** A container cgroup as classified. */
export type ContainerCgroup = Extract<CgroupClass, { kind: 'container' }>

const OTHER: CgroupClass = { kind: 'other' }

const UID = '([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12}|[0-9a-f]{32})'
const POD_SEGMENT = new RegExp(`(?:^|-)pod${UID}(?:\\.slice)?$`)
const QOS_SLICE = /kubepods-(burstable|besteffort)(?:\.slice$|-pod)/
const K8S_LEAF = /^(?:(cri-containerd|crio|docker)-)?([0-9a-f]{64})(?:\.scope)?$/
const DOCKER_SCOPE = /^docker-([0-9a-f]{64})\.scope$/
const PODMAN_SCOPE = /^libpod-([0-9a-f]{64})(?:\.scope)?$/
const BARE_ID = /^[0-9a-f]{64}$/

const RUNTIME_BY_PREFIX: Readonly<Record<string, RuntimeHint>> = {
  'cri-containerd': 'containerd',
  crio: 'crio',
  docker: 'docker',
}

/** The path's segments without "", "." and ".." (a cgroup namespace's "../" prefixes). */
function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.' && s !== '..')
}

function qosOf(segs: readonly string[], kubepodsAt: number, podAt: number): QosClass {
  for (let i = kubepodsAt; i <= podAt; i++) {
    const seg = segs[i] as string
    const m = QOS_SLICE.exec(seg)
    if (m) return m[1] as QosClass
    if (i === kubepodsAt + 1 && (seg === 'burstable' || seg === 'besteffort')) return seg
  }
  return 'guaranteed'
}

export function classifyCgroupPath(path: string): CgroupClass {
  const segs = segments(path)
  if (segs.length === 0 || segs.some((s) => s.endsWith('.mount'))) return OTHER
  const kubepodsAt = segs.findIndex((s) => s.includes('kubepods'))
  if (kubepodsAt >= 0) {
    let podAt = -1
    let podUid = ''
    for (let i = kubepodsAt; i < segs.length; i++) {
      const m = POD_SEGMENT.exec(segs[i] as string)
      if (m) {
        podAt = i
        podUid = (m[1] as string).replaceAll('_', '-')
        break
      }
    }
    if (podAt < 0) return OTHER
    const qos = qosOf(segs, kubepodsAt, podAt)
    if (podAt === segs.length - 1) return { kind: 'pod', podUid, qos }
    if (podAt !== segs.length - 2) return OTHER
    const leaf = segs[podAt + 1] as string
    if (leaf.startsWith('crio-conmon-')) return OTHER
    const m = K8S_LEAF.exec(leaf)
    if (!m) return OTHER
    return { kind: 'container', containerId: m[2] as string, runtime: m[1] === undefined ? undefined : RUNTIME_BY_PREFIX[m[1]], podUid, qos }
  }
  const leaf = segs[segs.length - 1] as string
  const docker = DOCKER_SCOPE.exec(leaf)
  if (docker) return { kind: 'container', containerId: docker[1] as string, runtime: 'docker', podUid: undefined, qos: undefined }
  const podman = PODMAN_SCOPE.exec(leaf)
  if (podman) return { kind: 'container', containerId: podman[1] as string, runtime: 'podman', podUid: undefined, qos: undefined }
  if (segs.length >= 2 && segs[segs.length - 2] === 'docker' && BARE_ID.test(leaf)) {
    return { kind: 'container', containerId: leaf, runtime: 'docker', podUid: undefined, qos: undefined }
  }
  return OTHER
}

/**
 * Whether a walk should look below this directory name: not into systemd mount units,
 * conmon monitors, or a container (containers nested in a container are not walked).
 */
export function mayHoldContainers(name: string): boolean {
  return !(name.endsWith('.mount') || name.startsWith('crio-conmon-') || name.startsWith('libpod-conmon-'))
}

/**
 * The container of a process from its `/proc/<pid>/cgroup` text: the v2 line (`0::<path>`)
 * or the v1 memory line, else any other controller's line naming a container; undefined
 * for a host process or an unreadable text.
 */
export function containerOfProcCgroup(text: string): ContainerCgroup | undefined {
  let fallback: ContainerCgroup | undefined
  for (const line of text.split('\n')) {
    const first = line.indexOf(':')
    const second = first < 0 ? -1 : line.indexOf(':', first + 1)
    if (second < 0) continue
    const cls = classifyCgroupPath(line.slice(second + 1).trim())
    if (cls.kind !== 'container') continue
    const controllers = line.slice(first + 1, second)
    if (controllers === '' || controllers.split(',').includes('memory')) return cls
    fallback ??= cls
  }
  return fallback
}
