import { Worker } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'
import type { Collector } from '../collectors/types.ts'
import type { AgentConfig } from '../config/config.ts'
import type { Logger } from '../log/logger.ts'
import { createCollectorHost } from '../sampler/collector-host.ts'
import type { HostRequest } from '../sampler/collector-host.ts'
import type { WorkerLike, WorkerStart } from '../sampler/collector-workers.ts'
import { execFileNoShell } from './exec.ts'
import { createHostFS } from './host-fs.ts'
import { createSharedReadGuard } from './read-guard.ts'

/** Marks a worker started to run collectors; the entry module checks it (see main.ts). */
export const COLLECTOR_WORKER = 'odin-collector-worker'

export interface CollectorWorkerData extends WorkerStart {
  readonly role: typeof COLLECTOR_WORKER
  /** The agent's flags: the worker parses them into the same config and collector list. */
  readonly argv: readonly string[]
}

/** Starts collector workers running `entry` (the agent's own entry module) with the agent's flags. */
export function collectorWorkerSpawner(entry: URL, argv: readonly string[]): (start: WorkerStart) => WorkerLike {
  return (start) => {
    const workerData: CollectorWorkerData = { role: COLLECTOR_WORKER, argv, guard: start.guard, blocked: start.blocked }
    return new Worker(entry, { workerData }) as unknown as WorkerLike
  }
}

/**
 * The worker's side: reads the host through a HostFS whose reads are marked on the shared
 * guard, runs what the serving thread asks, and collects its own garbage after each tick
 * (Bun's GC timer is off, see runtime-env.ts).
 */
export function serveCollectorWorker(port: MessagePort, data: CollectorWorkerData, config: AgentConfig, collectors: readonly Collector[], log: Logger): void {
  const blocked = new Set(data.blocked)
  const guard = createSharedReadGuard(data.guard, blocked)
  const fs = createHostFS({ procfs: config.procfs, sysfs: config.sysfs, rootfs: config.rootfs, netnsPid: config.netnsPid }, guard)
  const host = createCollectorHost({
    collectors: collectors.filter((c) => config.enabled.includes(c.name)),
    config,
    fs,
    exec: execFileNoShell,
    log,
    blocked,
    post: (reply) => port.postMessage(reply),
    afterTick: () => Bun.gc(false),
  })
  port.on('message', (request: HostRequest) => host(request))
}
