import { readFileSync } from 'node:fs'
import type { Hono } from 'hono'
import { closeCollectors, createCollectors } from './collectors/create.ts'
import type { CollectorEntry } from './collectors/types.ts'
import { flagNumber } from './config/config.ts'
import type { AgentConfig } from './config/config.ts'
import type { Logger } from './log/logger.ts'
import type { Declaring, FamilyDecl } from './metrics/declared.ts'
import { Families } from './metrics/families.ts'
import { renderExposition } from './metrics/exposition.ts'
import { SnapshotRegistry } from './metrics/registry.ts'
import { SeriesCap } from './metrics/series-cap.ts'
import { SELF_FAMILIES, selfMetrics } from './metrics/self-metrics.ts'
import type { MetricFamily } from './metrics/types.ts'
import type { Detector } from './detectors/types.ts'
import { execFileNoShell } from './platform/exec.ts'
import type { Exec } from './platform/exec.ts'
import { createHostFS } from './platform/host-fs.ts'
import { WORKER_FAMILIES } from './sampler/collector-workers.ts'
import type { CollectorWorkers } from './sampler/collector-workers.ts'
import { NO_GUARD } from './platform/read-guard.ts'
import { READ_THREAD_FAMILIES } from './platform/safe-reads.ts'
import type { SafeReads } from './platform/safe-reads.ts'
import { SCRAPE_FAMILIES, Sampler } from './sampler/sampler.ts'
import type { Snapshot } from './sampler/snapshot.ts'
import { RequestTracker, createApp } from './server/app.ts'
import { threatsCollector, type ActiveThreat } from './collectors/threats.ts'
import { ANOMALY_THRESHOLD } from './detectors/anomaly/options.ts'
import { readVisibilityInput } from './process/own-credentials.ts'
import { VISIBILITY_FAMILIES, assessVisibility, describeLimit, visibilityFamilies } from './process/visibility.ts'
import { DETECTOR_HEALTH_FAMILIES } from './detectors/run-detector.ts'
import type { Visibility } from './process/visibility.ts'
import { staleAfterMs } from './server/readiness.ts'
import { StatusModel } from './server/status-model.ts'
import type { BasicAuth } from './server/basic-auth.ts'

export interface AgentDeps {
  readonly config: AgentConfig
  /** The list to create the enabled collectors from (index.ts, or a test's own). */
  readonly collectors: readonly CollectorEntry[]
  readonly log: Logger
  readonly version: { version: string; revision: string; runtime: string }
  readonly exec?: Exec
  /** Run inside each tick on its collected families (detectors/index.ts creates them). */
  readonly detectors?: readonly Detector[]
  readonly now?: () => number
  /** What the agent can see of other processes; read from <procfs>/self when not given. */
  readonly visibility?: Visibility
  /** What --web.config.file sets on the HTTP surface: basic auth and extra headers. */
  readonly web?: { readonly auth?: BasicAuth; readonly headers?: () => Readonly<Record<string, string>> }
  /**
   * Runs the collectors on worker threads (collector-workers.ts, the binary), which create
   * them; without it they are created and run in this thread (tests). Its stand-ins
   * replace `collectors`.
   */
  readonly workers?: CollectorWorkers
  /**
   * Without workers: how the serving thread keeps reads that can block off itself (the
   * binary's default; safe-reads.ts). Tests leave it out.
   */
  readonly safe?: SafeReads
}

export interface Agent {
  readonly app: Hono
  readonly sampler: Sampler
  readonly registry: SnapshotRegistry
  readonly requests: RequestTracker
  readonly visibility: Visibility
  readonly status: StatusModel
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

/** The collector-list entry whose scan publishes the active threat findings. */
const THREATS = threatsCollector.name

/** The collector whose outcome holds the family (only asked when the series cap cuts). */
function ownerOf(snapshot: Snapshot, family: string): string | undefined {
  for (const [collector, outcome] of snapshot.outcomes) if (outcome.families.some((f) => f.name === family)) return collector
  for (const [detector, outcome] of snapshot.detectorOutcomes) if (outcome.families.some((f) => f.name === family)) return detector
  return undefined
}

const BUILD_INFO_DECL = {
  name: 'odin_agent_build_info',
  type: 'gauge',
  help: 'odin-agent: A metric with a constant 1 labeled by version, revision and runtime.',
} as const satisfies FamilyDecl

/**
 * The families the agent adds of its own beside its collectors' and detectors' (each
 * declared where it is emitted): build info, capabilities and process visibility, process_*,
 * the scrape and detector health series, and the guards of blocking reads: the helper
 * threads' odin_read_threads_* (default flags) or the workers' odin_collector_workers_*
 * (--sampler.worker).
 */
export const AGENT_FAMILIES: Declaring = {
  name: 'agent',
  families: [BUILD_INFO_DECL, ...VISIBILITY_FAMILIES, ...SELF_FAMILIES, ...SCRAPE_FAMILIES, ...DETECTOR_HEALTH_FAMILIES, ...READ_THREAD_FAMILIES, ...WORKER_FAMILIES],
}

/** Wires collectors, sampler, registry and HTTP app; binding a port is left to the caller. */
export function createAgent(deps: AgentDeps): Agent {
  const { config, log } = deps
  const workers = deps.workers
  // Created once; stop closes them (GpuCollector kills its nvidia-smi, gpu_xid closes /dev/kmsg).
  const enabled = workers ? workers.collectors.filter((c) => config.enabled.includes(c.name)) : createCollectors(deps.collectors, config)
  const bootTime = realBootTime()
  const detectors = deps.detectors ?? []
  const visibility = deps.visibility ?? assessVisibility(readVisibilityInput({ procfs: config.procfs, env: process.env, uid: process.getuid?.() }))
  const visibilityFams = visibilityFamilies(visibility)
  const buildInfo = (): MetricFamily[] => {
    const f = new Families()
    f.put(BUILD_INFO_DECL, 1, deps.version)
    return f.list()
  }
  const safe = workers ? undefined : deps.safe
  const hostFS = createHostFS({ procfs: config.procfs, sysfs: config.sysfs, rootfs: config.rootfs, netnsPid: config.netnsPid }, NO_GUARD, safe)
  const sampler = new Sampler({
    collectors: enabled,
    config,
    // With workers, the host is read there: a tick's end closes their descriptors.
    fs: workers ? { ...hostFS, endTick: () => workers.endTick() } : hostFS,
    exec: deps.exec ?? execFileNoShell,
    log,
    now: deps.now,
    extraFamilies: () => [...buildInfo(), ...visibilityFams, ...selfMetrics(bootTime), ...(workers?.families() ?? []), ...(safe?.timed?.families() ?? [])],
    detectors,
  })
  const maxSeries = flagNumber(config, 'web.max-series')
  const registry = new SnapshotRegistry(renderExposition, maxSeries > 0 ? new SeriesCap(maxSeries, log) : undefined)
  const status = new StatusModel()
  // The tick published one snapshot holding host, detector and self-metric families:
  // /metrics, /health and the status page read only that.
  sampler.onSnapshot((snapshot) => {
    registry.update(snapshot.families, (name) => ownerOf(snapshot, name))
    status.observe(snapshot.at, snapshot.families)
  })
  const now = deps.now ?? Date.now
  const startedAt = now()
  const requests = new RequestTracker()
  const app = createApp({
    tracker: requests,
    telemetryPath: config.telemetryPath,
    maxRequests: config.maxRequests,
    latest: () => sampler.latest(),
    metrics: async () => ({ body: await registry.metrics(), contentType: registry.contentType }),
    version: deps.version,
    enabled: config.enabled,
    startedAt,
    now: deps.now,
    staleAfterMs: staleAfterMs(config.samplerIntervalMs, config.collectorTimeoutMs),
    status: (ready) => {
      const snapshot = sampler.latest()
      return status.build({
        version: deps.version,
        now: now(),
        startedAt,
        lastSampleAt: snapshot?.at,
        ready,
        health: snapshot?.health.collectors ?? new Map(),
        detectors: snapshot?.health.detectors ?? new Map(),
        threats: (snapshot?.published.get(THREATS) as readonly ActiveThreat[] | undefined) ?? [],
        visibilityLimits: visibility.limits.map(describeLimit),
        threshold: ANOMALY_THRESHOLD,
      })
    },
    auth: deps.web?.auth,
    headers: deps.web?.headers,
  })
  return {
    app,
    sampler,
    registry,
    requests,
    visibility,
    status,
    start: () => sampler.start(),
    stop: async () => {
      sampler.stop()
      await workers?.close()
      await closeCollectors(workers ? [] : enabled, (name, err) => log.error('collector close failed', { collector: name, err: String(err) }))
      for (const d of detectors) {
        await d.close?.()
      }
    },
  }
}
