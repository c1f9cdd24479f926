import { runCollector } from '../collectors/run-collector.ts'
import type { CollectorOutcome } from '../collectors/run-collector.ts'
import type { CollectContext, Collector } from '../collectors/types.ts'
import type { AgentConfig } from '../config/config.ts'
import { detectorFamilies, runDetector } from '../detectors/run-detector.ts'
import type { DetectorOutcome } from '../detectors/run-detector.ts'
import { detectorOfCollector, snapshotView } from '../detectors/types.ts'
import type { Detector } from '../detectors/types.ts'
import type { Logger } from '../log/logger.ts'
import type { FamilyDecl } from '../metrics/declared.ts'
import { Families } from '../metrics/families.ts'
import type { MetricFamily } from '../metrics/types.ts'
import type { Exec } from '../platform/exec.ts'
import type { HostFS } from '../platform/host-fs.ts'
import { mergeFamilies } from './snapshot.ts'
import type { ComponentHealth, MergeRejection, Snapshot } from './snapshot.ts'

export interface SamplerDeps {
  readonly collectors: readonly Collector[]
  readonly config: AgentConfig
  readonly fs: HostFS
  readonly exec: Exec
  readonly log: Logger
  readonly now?: () => number
  /** Families added to every snapshot after the collectors' (self metrics, build info). */
  readonly extraFamilies?: () => MetricFamily[]
  /** Run on each tick's collected families, in order; their families join the snapshot. */
  readonly detectors?: readonly Detector[]
}

export type CollectorHealth = ComponentHealth

export type SnapshotListener = (snapshot: Snapshot) => void

/**
 * A collector whose source is absent (NoDataError) this many ticks in a row is not run
 * again until RECHECK_TICKS ticks later; in between it keeps reporting success 0 with the
 * same error. On a host without a GPU this saves a spawn of a missing nvidia-smi and a
 * scan of empty class directories every tick; a source that appears later (a driver
 * loaded after boot) is found within RECHECK_TICKS ticks.
 */
export const NO_DATA_STREAK = 3
export const NO_DATA_RECHECK_TICKS = 20

interface NoDataState {
  streak: number
  skipped: number
  error: string
}

/**
 * Runs every enabled collector once per tick, concurrently and isolated, then every detector
 * on the collected families (runDetector), and publishes one immutable snapshot holding the
 * host's, the detectors' and the agent's own families and every component's health. Ticks never overlap: a tick lasts at most the longest
 * collector deadline.
 */
export class Sampler {
  private current: Snapshot | undefined
  private seq = 0
  private readonly inflight = new Set<string>()
  private readonly health = new Map<string, CollectorHealth>()
  private readonly detectorHealth = new Map<string, ComponentHealth>()
  private readonly noData = new Map<string, NoDataState>()
  private readonly loggers = new Map<string, Logger>()
  private readonly listeners: SnapshotListener[] = []
  private readonly publishedBy = new Map<string, unknown>()
  /** Series left out of the snapshot because an earlier source exported them, by source. */
  private readonly collisions = new Map<string, number>()
  private readonly collisionsLogged = new Set<string>()
  private timer: ReturnType<typeof setTimeout> | undefined
  private running: Promise<Snapshot> | undefined
  private stopped = false
  private readonly now: () => number

  constructor(private readonly deps: SamplerDeps) {
    this.now = deps.now ?? Date.now
  }

  /** What collector `name` last handed over with ctx.publish (undefined before its first run). */
  published(name: string): unknown {
    return this.publishedBy.get(name)
  }

  latest(): Snapshot | undefined {
    return this.current
  }

  collectorHealth(): ReadonlyMap<string, CollectorHealth> {
    return this.health
  }

  onSnapshot(listener: SnapshotListener): void {
    this.listeners.push(listener)
  }

  /** Runs one tick now (or joins the one in progress). */
  tick(): Promise<Snapshot> {
    if (!this.running) {
      this.running = this.runTick().finally(() => {
        this.running = undefined
      })
    }
    return this.running
  }

  start(): void {
    const loop = async () => {
      if (this.stopped) {
        return
      }
      const started = this.now()
      await this.tick()
      if (this.stopped) {
        return
      }
      const wait = Math.max(0, this.deps.config.samplerIntervalMs - (this.now() - started))
      this.timer = setTimeout(loop, wait)
    }
    void loop()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) {
      clearTimeout(this.timer)
    }
  }

  private async runTick(): Promise<Snapshot> {
    const { collectors, config, fs, exec, log } = this.deps
    const at = this.now()
    const started = performance.now()
    const memo = new Map<string, Promise<unknown>>()
    const shared = <T>(key: string, load: () => Promise<T>): Promise<T> => {
      let p = memo.get(key) as Promise<T> | undefined
      if (!p) {
        p = load()
        memo.set(key, p)
      }
      return p
    }
    const contextFor =
      (collector: Collector) =>
      (signal: AbortSignal): CollectContext => ({
        fs,
        exec,
        signal,
        log: this.loggerFor(collector.name),
        now: this.now,
        shared,
        publish: (value: unknown) => {
          this.publishedBy.set(collector.name, value)
        },
      })
    const skipped = new Set<string>()
    const outcomes = await Promise.all(
      collectors.map((c) => {
        const instead = this.skip(c)
        if (instead) {
          skipped.add(c.name)
          return instead
        }
        return runCollector(c, contextFor(c), config.collectorTimeoutMs, this.inflight)
      }),
    )
    const byName = new Map<string, CollectorOutcome>()
    /** Detectors whose work runs on the collector list (threats), reported as detectors. */
    const scans: DetectorOutcome[] = []
    for (const o of outcomes) {
      byName.set(o.collector, o)
      if (!skipped.has(o.collector)) {
        this.countNoData(o)
      }
      const detector = detectorOfCollector(o.collector)
      if (detector !== undefined) {
        scans.push({ detector, success: o.success, durationSeconds: o.durationSeconds, families: o.families, error: o.error, finishedAt: o.finishedAt })
      } else {
        this.health.set(o.collector, healthAfter(this.health.get(o.collector), o))
      }
    }
    fs.endTick()
    const plain = outcomes.filter((o) => detectorOfCollector(o.collector) === undefined)
    const groups = [...outcomes.map((o) => o.families), scrapeFamilies(plain, this.collisions), this.deps.extraFamilies?.() ?? []]
    const sourceOf = (group: number) => outcomes[group]?.collector ?? 'agent'
    const onReject = (r: MergeRejection, source: string) => {
      this.collisions.set(source, (this.collisions.get(source) ?? 0) + r.samples)
      const key = `${source}\u0000${r.family}\u0000${r.reason}`
      if (!this.collisionsLogged.has(key)) {
        this.collisionsLogged.add(key)
        log.warn(
          r.reason === 'type'
            ? 'family left out: another collector already exports this name with another type (logged once)'
            : 'series left out: another collector already exports this name and labels (logged once)',
          { collector: source, family: r.family, samples: r.samples },
        )
      }
    }
    const collected = mergeFamilies(groups, (r) => onReject(r, sourceOf(r.group)))
    // Detectors see the collected families through one index, then join the same snapshot.
    const detectors = this.deps.detectors ?? []
    const view = snapshotView(at, collected)
    const ran = detectors.map((d) => runDetector(d, view, log, this.now))
    const detectorOutcomes = [...scans, ...ran]
    for (const o of detectorOutcomes) this.detectorHealth.set(o.detector, healthAfter(this.detectorHealth.get(o.detector), o))
    const families =
      detectorOutcomes.length === 0
        ? collected
        : mergeFamilies([collected, ...ran.map((o) => o.families), detectorFamilies(detectorOutcomes)], (r) => onReject(r, ran[r.group - 1]?.detector ?? 'agent'))
    const snapshot: Snapshot = Object.freeze({
      seq: ++this.seq,
      at,
      durationSeconds: (performance.now() - started) / 1000,
      outcomes: byName,
      detectorOutcomes: new Map(detectorOutcomes.map((o) => [o.detector, o])),
      families: Object.freeze(families),
      health: Object.freeze({ collectors: new Map(this.health), detectors: new Map(this.detectorHealth) }),
      published: new Map(this.publishedBy),
    })
    this.current = snapshot
    for (const listener of this.listeners) {
      try {
        listener(snapshot)
      } catch (err) {
        log.error('snapshot listener failed', { err: String(err) })
      }
    }
    return snapshot
  }

  private loggerFor(collector: string): Logger {
    let log = this.loggers.get(collector)
    if (!log) {
      log = this.deps.log.child({ collector })
      this.loggers.set(collector, log)
    }
    return log
  }

  /** The outcome to report instead of running a collector whose source stays absent. */
  private skip(collector: Collector): CollectorOutcome | undefined {
    const state = this.noData.get(collector.name)
    if (!state || state.streak < NO_DATA_STREAK || state.skipped >= NO_DATA_RECHECK_TICKS) {
      return undefined
    }
    state.skipped++
    return {
      collector: collector.name,
      success: false,
      noData: true,
      durationSeconds: 0,
      families: [],
      error: state.error,
      finishedAt: this.now(),
    }
  }

  private countNoData(o: CollectorOutcome): void {
    const state = this.noData.get(o.collector)
    if (!o.noData) {
      this.noData.delete(o.collector)
    } else if (!state) {
      this.noData.set(o.collector, { streak: 1, skipped: 0, error: o.error ?? 'no data' })
    } else {
      state.streak++
      state.skipped = 0
      state.error = o.error ?? state.error
    }
  }
}

function healthAfter(prev: ComponentHealth | undefined, o: { success: boolean; durationSeconds: number; error?: string; finishedAt: number; noData?: boolean }): ComponentHealth {
  return {
    lastSuccessAt: o.success ? o.finishedAt : (prev?.lastSuccessAt ?? null),
    lastError: o.success ? null : (o.error ?? 'unknown error'),
    lastDurationSeconds: o.durationSeconds,
    success: o.success,
    noData: !o.success && o.noData === true,
  }
}

const COLLISIONS_DECL = {
  name: 'odin_scrape_collisions_total',
  type: 'counter',
  help: 'odin-agent: Series left out because an earlier collector already exported the same name and labels, or the same name with another type (node_exporter refuses such a collision).',
} as const satisfies FamilyDecl
const DURATION_DECL = { name: 'node_scrape_collector_duration_seconds', type: 'gauge', help: 'node_exporter: Duration of a collector scrape.' } as const satisfies FamilyDecl
const SUCCESS_DECL = { name: 'node_scrape_collector_success', type: 'gauge', help: 'node_exporter: Whether a collector succeeded.' } as const satisfies FamilyDecl
/** What the sampler adds of its own: node_exporter's per-collector scrape series and the collisions it refused. */
export const SCRAPE_FAMILIES: readonly FamilyDecl[] = [COLLISIONS_DECL, DURATION_DECL, SUCCESS_DECL]

function scrapeFamilies(outcomes: readonly CollectorOutcome[], collisions: ReadonlyMap<string, number>): MetricFamily[] {
  const f = new Families()
  for (const [collector, n] of collisions) {
    f.put(COLLISIONS_DECL, n, { collector })
  }
  for (const o of outcomes) {
    f.put(DURATION_DECL, o.durationSeconds, { collector: o.collector })
  }
  for (const o of outcomes) {
    f.put(SUCCESS_DECL, o.success ? 1 : 0, { collector: o.collector })
  }
  return f.list()
}
