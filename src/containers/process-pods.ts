import type { HostFS } from '../platform/host-fs.ts'
import type { ContainerCgroup } from '../procfs/cgroup-path.ts'
import { IdentityResolver } from './identity.ts'

/** The names of the container a process runs in. Kubernetes: namespace, pod, container; bare Docker/podman: name only. */
export interface PodOfProcess {
  readonly namespace: string
  readonly pod: string
  readonly container: string
  /** The runtime's name (Docker's container name; the ID for containerd and CRI-O). */
  readonly name: string
}

/**
 * Names the containers of processes (threat findings, namedprocess groups) through the same
 * identity tiers as --collector.containers: the process's cgroup path (pod UID, container
 * ID, read once per exec by the process scan), the runtime's file and the kubelet's log
 * tree under --path.rootfs. One instance per HostFS is shared by its consumers; the log tree
 * is listed at most once per process-table tick, and only in a tick that asks for a name.
 */
export class ProcessPods {
  private readonly resolver = new IdentityResolver()
  private refreshedTick = -1
  private readonly asked = new Set<string>()

  constructor(private readonly fs: HostFS) {}

  /** The container's names, undefined for a container no tier names (or a pod sandbox). */
  async of(cls: ContainerCgroup, tick: number, now: number): Promise<PodOfProcess | undefined> {
    if (tick !== this.refreshedTick) {
      await this.resolver.refreshLogTree(this.fs)
      this.resolver.retain(this.asked)
      this.asked.clear()
      this.refreshedTick = tick
    }
    this.asked.add(cls.containerId)
    const who = await this.resolver.resolve(this.fs, cls, now)
    if (who === undefined || who.sandbox) return undefined
    return { namespace: who.namespace, pod: who.pod, container: who.container, name: who.name }
  }
}
