/**
 * OOM kills per pod that survive the killed container (cAdvisor's counter dies with it,
 * google/cadvisor#3015). On cgroup v2 the pod cgroup's `memory.events` `oom_kill` is
 * hierarchical and is read as is. On v1 the pod level's `memory.oom_control` `oom_kill`
 * does not count its containers' kills (measured: container scope 1, pod and QoS levels
 * 0), so the pod's count is the sum of its containers' last seen counters, kept after a
 * container's cgroup is gone and forgotten with the pod's cgroup.
 */
export class PodOomKills {
  private readonly byPod = new Map<string, Map<string, number>>()

  /** A v1 container's oom_kill as read this tick. */
  observe(podUid: string, containerId: string, oomKills: number): void {
    let containers = this.byPod.get(podUid)
    if (!containers) {
      containers = new Map()
      this.byPod.set(podUid, containers)
    }
    containers.set(containerId, oomKills)
  }

  /** Forgets pods whose cgroup is gone. */
  retain(podUids: ReadonlySet<string>): void {
    for (const uid of this.byPod.keys()) if (!podUids.has(uid)) this.byPod.delete(uid)
  }

  /** The v1 sum for a pod, undefined when none of its containers was read. */
  total(podUid: string): number | undefined {
    const containers = this.byPod.get(podUid)
    if (!containers) return undefined
    let sum = 0
    for (const n of containers.values()) sum += n
    return sum
  }
}
