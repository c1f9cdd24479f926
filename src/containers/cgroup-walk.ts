import { classifyCgroupPath, mayHoldContainers } from '../procfs/cgroup-path.ts'
import type { CgroupClass } from '../procfs/cgroup-path.ts'
import { subdirectories } from '../platform/cgroup-dirs.ts'

export type ContainerClass = Extract<CgroupClass, { kind: 'container' }>
export type PodClass = Extract<CgroupClass, { kind: 'pod' }>

export interface FoundCgroups {
  /** Container cgroups by path relative to the hierarchy ("/kubepods.slice/…/cri-containerd-<id>.scope"), sorted. */
  readonly containers: readonly { readonly path: string; readonly cls: ContainerClass }[]
  readonly pods: readonly { readonly path: string; readonly cls: PodClass }[]
}

/** Deepest level walked: kind's pod containers sit at depth 5, Docker-in-Docker k8s at 7. */
const MAX_DEPTH = 10
/** Directories listed per walk at most; a runaway tree (a leak of empty cgroups) stops here. */
const MAX_DIRS = 20_000

/**
 * Walks one cgroup hierarchy for container cgroups, recognised by path (fixture trees hold
 * only the files cAdvisor reads). It does not look below a pod's container, a systemd
 * `.mount` unit or a conmon monitor; below a bare Docker/podman container it looks only
 * for a nested Kubernetes tree. A directory removed during the walk is skipped.
 */
export function findContainerCgroups(root: string): FoundCgroups {
  const containers: { path: string; cls: ContainerClass }[] = []
  const pods: { path: string; cls: PodClass }[] = []
  let listed = 0
  const visit = (rel: string, depth: number): void => {
    if (listed >= MAX_DIRS) return
    listed++
    const names = subdirectories(root + rel)
    if (names === undefined) return
    for (const name of names) {
      if (!mayHoldContainers(name)) continue
      const path = `${rel}/${name}`
      const cls = classifyCgroupPath(path)
      if (cls.kind === 'container') {
        containers.push({ path, cls })
        // A bare Docker/podman container may hold a Kubernetes node (kind's and k3d's
        // docker/<node>/kubelet/kubepods/...); a pod's container holds nothing to report.
        if (cls.podUid === undefined && depth < MAX_DEPTH) visit(path, depth + 1)
        continue
      }
      if (cls.kind === 'pod') pods.push({ path, cls })
      if (depth < MAX_DEPTH) visit(path, depth + 1)
    }
  }
  visit('', 1)
  return { containers, pods }
}
