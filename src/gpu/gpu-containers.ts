import { IdentityResolver } from '../containers/identity.ts'
import type { Families } from '../metrics/families.ts'
import type { HostFS } from '../platform/host-fs.ts'
import { containerOfProcCgroup } from '../procfs/cgroup-path.ts'
import type { GpuReading } from './nvidia-smi-xml.ts'

const HELP = 'odin-agent: GPU memory used by the processes of one container, in bytes (nvidia-smi host PIDs through /proc/<pid>/cgroup).'

/**
 * odin_gpu_container_memory_bytes{gpu,UUID,namespace,pod,container}: nvidia-smi lists host
 * PIDs (the driver is not PID-namespace aware), so each is mapped through
 * <procfs>/<pid>/cgroup to a pod container and named by the same identity tiers as
 * --collector.containers (runtime file, kubelet log tree; its own resolver). Host processes
 * and containers no tier names are left out; PIDs never become labels.
 */
export class GpuContainerMemory {
  private readonly resolver = new IdentityResolver()

  /** Adds the family; returns how many series the cap cut. */
  async add(f: Families, fs: HostFS, gpus: readonly GpuReading[], limit: number, now: number): Promise<number> {
    if (!gpus.some((g) => (g.processPids?.length ?? 0) > 0)) return 0
    await this.resolver.refreshLogTree(fs)
    const seen = new Set<string>()
    const sums = new Map<string, { labels: Record<string, string>; bytes: number }>()
    for (const gpu of gpus) {
      for (const p of gpu.processPids ?? []) {
        const text = await fs.readFile(fs.proc(String(p.pid), 'cgroup')).catch(() => undefined)
        const cls = text === undefined ? undefined : containerOfProcCgroup(text)
        if (cls === undefined || cls.podUid === undefined) continue
        seen.add(cls.containerId)
        const who = await this.resolver.resolve(fs, cls, now)
        if (who === undefined || who.sandbox) continue
        const labels = { gpu: String(gpu.index), UUID: gpu.uuid, namespace: who.namespace, pod: who.pod, container: who.container }
        const key = JSON.stringify(labels)
        const sum = sums.get(key)
        if (sum) sum.bytes += p.usedBytes
        else sums.set(key, { labels, bytes: p.usedBytes })
      }
    }
    this.resolver.retain(seen)
    const sorted = [...sums.values()].sort((a, b) => b.bytes - a.bytes)
    const kept = sorted.slice(0, Math.max(0, limit))
    for (const s of kept) f.gauge('odin_gpu_container_memory_bytes', HELP, s.bytes, s.labels)
    return sorted.length - kept.length
  }
}
