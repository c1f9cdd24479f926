import { readFileSync } from 'node:fs'
import type { Hono } from 'hono'
import type { Collector } from './collectors/types.ts'
import type { AgentConfig } from './config/config.ts'
import type { Logger } from './log/logger.ts'
import { Families } from './metrics/families.ts'
import { SnapshotRegistry } from './metrics/registry.ts'
import { selfMetrics } from './metrics/self-metrics.ts'
import type { MetricFamily } from './metrics/types.ts'
import { execFileNoShell } from './platform/exec.ts'
import type { Exec } from './platform/exec.ts'
import { createHostFS } from './platform/host-fs.ts'
import type { CollectorWorkers } from './sampler/collector-workers.ts'
import { Sampler } from './sampler/sampler.ts'
import type { Snapshot } from './sampler/snapshot.ts'
import { RequestTracker, createApp } from './server/app.ts'

/** Something that watches snapshots and adds its own families (anomaly, threats). */
export interface SnapshotObserver {
  readonly name: string
  observe(snapshot: Snapshot): void
  families(): MetricFamily[]
  close?(): Promise<void> | void
}

export interface AgentDeps {
  readonly config: AgentConfig
  readonly collectors: readonly Collector[]
  readonly log: Logger
  readonly version: { version: string; revision: string; runtime: string }
  readonly exec?: Exec
  readonly observers?: readonly SnapshotObserver[]
  readonly now?: () => number
  /**
   * Runs the collectors on worker threads (collector-workers.ts, the binary); without it
   * they run in this thread (tests). Its stand-ins replace `collectors`.
   */
  readonly workers?: CollectorWorkers
}

export interface Agent {
  readonly app: Hono
  readonly sampler: Sampler
  readonly registry: SnapshotRegistry
  readonly requests: RequestTracker
  start(): void
  stop(): Promise<void>
}

function realBootTime(): number {
  try {
    const m = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))
    return m ? Number(m[1]) : 0
  } catch {
    return 0
  }
}

/** Wires collectors, sampler, registry and HTTP app; binding a port is left to the caller. */
export function createAgent(deps: AgentDeps): Agent {
  const { config, log } = deps
  const workers = deps.workers
  const enabled = (workers?.collectors ?? deps.collectors).filter((c) => config.enabled.includes(c.name))
  const bootTime = realBootTime()
  const observers = deps.observers ?? []
  const buildInfo = (): MetricFamily[] => {
    const f = new Families()
    f.gauge('odin_agent_build_info', 'odin-agent: A metric with a constant 1 labeled by version, revision and runtime.', 1, deps.version)
    return f.list()
  }
  const hostFS = createHostFS({ procfs: config.procfs, sysfs: config.sysfs, rootfs: config.rootfs, netnsPid: config.netnsPid })
  const sampler = new Sampler({
    collectors: enabled,
    config,
    // With workers, the host is read there: a tick's end closes their descriptors.
    fs: workers ? { ...hostFS, endTick: () => workers.endTick() } : hostFS,
    exec: deps.exec ?? execFileNoShell,
    log,
    now: deps.now,
    extraFamilies: () => [...buildInfo(), ...selfMetrics(bootTime), ...(workers?.families() ?? [])],
  })
  const registry = new SnapshotRegistry()
  sampler.onSnapshot((snapshot) => {
    const extra: MetricFamily[][] = []
    for (const o of observers) {
      try {
        o.observe(snapshot)
        extra.push(o.families())
      } catch (err) {
        log.error('observer failed', { observer: o.name, err: String(err) })
      }
    }
    registry.update(extra.length ? [...snapshot.families, ...extra.flat()] : snapshot.families)
  })
  const requests = new RequestTracker()
  const app = createApp({
    tracker: requests,
    telemetryPath: config.telemetryPath,
    maxRequests: config.maxRequests,
    latest: () => sampler.latest(),
    health: () => sampler.collectorHealth(),
    metrics: async () => ({ body: await registry.metrics(), contentType: registry.contentType }),
    version: deps.version,
    enabled: config.enabled,
    startedAt: (deps.now ?? Date.now)(),
    now: deps.now,
  })
  return {
    app,
    sampler,
    registry,
    requests,
    start: () => sampler.start(),
    stop: async () => {
      sampler.stop()
      await workers?.close()
      for (const o of observers) {
        await o.close?.()
      }
    },
  }
}
