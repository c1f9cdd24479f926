import { Worker } from 'node:worker_threads'
import type { MessagePort } from 'node:worker_threads'
import type { AgentConfig } from '../config/config.ts'
import type { HostRequest } from '../sampler/collector-host.ts'
import type { WorkerLike, WorkerStart } from '../sampler/collector-workers.ts'
import { COLLECTOR_WORKER } from './worker-roles.ts'

/** The tier-up scale of the binary's `--compile-jit-policy` (scripts/build.mjs). */
const WORKER_JIT_POLICY = 100

export interface CollectorWorkerData extends WorkerStart {
  readonly role: typeof COLLECTOR_WORKER
  /** The agent's parsed flags (a structured clone: plain data, Maps and arrays). */
  readonly config: AgentConfig
}

/** Starts collector workers running `entry` (the binary's entry module, main.ts) with the agent's config. */
export function collectorWorkerSpawner(entry: URL, config: AgentConfig): (start: WorkerStart) => WorkerLike {
  return (start) => {
    const workerData: CollectorWorkerData = { role: COLLECTOR_WORKER, config, guard: start.guard, blocked: start.blocked }
    return new Worker(entry, { workerData }) as unknown as WorkerLike
  }
}

/**
 * The worker's side: reads the host through a HostFS whose reads are marked on the shared
 * guard, runs what the serving thread asks, and collects its own garbage after each tick
 * (Bun's GC timer is off, see runtime-env.ts). Imports lazily: main.ts loads this module
 * alone in a collector thread.
 */
export async function serveCollectorWorker(port: MessagePort, data: CollectorWorkerData): Promise<void> {
  // The JIT policy is per VM: the binary's main thread starts with the x100 tier-up
  // thresholds of `--compile-jit-policy=100` (scripts/build.mjs), a worker with the normal
  // ones. The collectors run in short bursts here, as they did on the main thread; without
  // it the worker cost more CPU than the whole agent had, and more RSS (docs/performance.md).
  Bun.unsafe.setJITPolicy(WORKER_JIT_POLICY)
  const [{ allCollectors }, { createCollectors }, { createLogger }, { createCollectorHost }, { batchingPoster }, { execFileNoShell }, { createHostFS }, { createSharedReadGuard }] =
    await Promise.all([
      import('../collectors/index.ts'),
      import('../collectors/create.ts'),
      import('../log/logger.ts'),
      import('../sampler/collector-host.ts'),
      import('../sampler/reply-wire.ts'),
      import('./exec.ts'),
      import('./host-fs.ts'),
      import('./read-guard.ts'),
    ])
  const { config } = data
  const blocked = new Set(data.blocked)
  const guard = createSharedReadGuard(data.guard, blocked)
  const fs = createHostFS({ procfs: config.procfs, sysfs: config.sysfs, rootfs: config.rootfs, netnsPid: config.netnsPid }, guard)
  const host = createCollectorHost({
    // Created once per thread: a replacement thread starts its collectors afresh.
    collectors: createCollectors(allCollectors, config),
    fs,
    exec: execFileNoShell,
    log: createLogger({ level: config.logLevel, format: config.logFormat }),
    blocked,
    post: batchingPoster((wire) => port.postMessage(wire)),
    afterTick: () => Bun.gc(false),
  })
  port.on('message', (batch: readonly HostRequest[]) => {
    for (const request of batch) {
      host(request)
    }
  })
}
