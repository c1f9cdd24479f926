/**
 * OOM kills per pod that survive the killed container (cAdvisor's counter dies with it,
 * google/cadvisor#3015). On cgroup v2 the pod cgroup's `memory.events` `oom_kill` is
 * hierarchical and is read as is. On v1 the pod level's `memory.oom_control` `oom_kill`
 * does not count its containers' kills (measured: container scope 1, pod and QoS levels
 * 0), so the pod's count is the sum over its containers, kept after a container's cgroup
 * is gone and forgotten with the pod's cgroup. Each container counts as the larger of two
 * sources, so a kill seen by both counts once:
 *
 * - its cgroup's `oom_kill` counter as last read by a tick (misses kills after that read
 *   when the cgroup is removed before the next tick);
 * - the kernel log's `oom-kill:` records whose `task_memcg` is the container (survive the
 *   cgroup; miss what the ring buffer overwrote before the agent read it).
 */
export class PodOomKills {
  private readonly byPod = new Map<string, Map<string, { counter: number | undefined; log: number }>>()

  private entry(podUid: string, containerId: string): { counter: number | undefined; log: number } {
    let containers = this.byPod.get(podUid)
    if (!containers) {
      containers = new Map()
      this.byPod.set(podUid, containers)
    }
    let e = containers.get(containerId)
    if (!e) {
      e = { counter: undefined, log: 0 }
      containers.set(containerId, e)
    }
    return e
  }

  /** A v1 container's oom_kill as read this tick. */
  observe(podUid: string, containerId: string, oomKills: number): void {
    this.entry(podUid, containerId).counter = oomKills
  }

  /** One kernel-log `oom-kill:` record of a task in this container. */
  logKill(podUid: string, containerId: string): void {
    this.entry(podUid, containerId).log++
  }

  /** Forgets pods whose cgroup is gone. */
  retain(podUids: ReadonlySet<string>): void {
    for (const uid of this.byPod.keys()) if (!podUids.has(uid)) this.byPod.delete(uid)
  }

  /** The v1 sum for a pod, undefined when no source has seen any of its containers. */
  total(podUid: string): number | undefined {
    return this.split(podUid)?.total
  }

  /** The sum and what the kernel log added beyond the counters (kills the ticks missed). */
  split(podUid: string): { total: number; fromLogOnly: number } | undefined {
    const containers = this.byPod.get(podUid)
    if (!containers) return undefined
    let total = 0
    let fromLogOnly = 0
    for (const { counter, log } of containers.values()) {
      const c = counter ?? 0
      total += Math.max(c, log)
      fromLogOnly += Math.max(0, log - c)
    }
    return { total, fromLogOnly }
  }
}
