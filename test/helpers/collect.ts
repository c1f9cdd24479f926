import { parseAgentArgs } from '../../src/config/config.ts'
import type { AgentConfig } from '../../src/config/config.ts'
import { allCollectors } from '../../src/collectors/index.ts'
import { instantiate } from '../../src/collectors/create.ts'
import { undeclared } from '../../src/metrics/declared.ts'
import type { Collector, CollectContext, CollectorDeps, CollectorEntry, CollectorInstance } from '../../src/collectors/types.ts'
import { GpuInventory } from '../../src/gpu/inventory.ts'
import { silentLogger } from '../../src/log/logger.ts'
import type { Logger } from '../../src/log/logger.ts'
import type { MetricFamily, Sample } from '../../src/metrics/types.ts'
import { createHostFS } from '../../src/platform/host-fs.ts'
import type { HostFS } from '../../src/platform/host-fs.ts'
import { execFileNoShell } from '../../src/platform/exec.ts'
import type { Exec } from '../../src/platform/exec.ts'
import { ProcessTables } from '../../src/collectors/process-table.ts'
import { runCollector } from '../../src/collectors/run-collector.ts'
import type { CollectorOutcome } from '../../src/collectors/run-collector.ts'

export interface CollectOptions {
  procfs?: string
  sysfs?: string
  rootfs?: string
  /** Extra command-line flags, e.g. ['--collector.textfile.directory=/x']. */
  args?: string[]
  fs?: HostFS
  exec?: Exec
  log?: Logger
  now?: () => number
  /** Dependencies create gets instead of fresh ones (a GPU inventory shared by two collectors). */
  deps?: Partial<CollectorDeps>
}

/** An entry of the list, or an instance already created from one. */
export type Runnable = CollectorEntry | Collector

const isEntry = (c: Runnable): c is CollectorEntry => 'create' in c

function rootsOf(options: CollectOptions) {
  return {
    procfs: options.procfs ?? '/nonexistent/proc',
    sysfs: options.sysfs ?? '/nonexistent/sys',
    rootfs: options.rootfs ?? '/nonexistent/root',
  }
}

/** Flags parsed as the CLI would, rooted at fixture trees; `entry`'s own flags are known too. */
export function configFor(entry: Runnable | undefined, options: CollectOptions = {}): AgentConfig {
  const roots = rootsOf(options)
  const known = entry && isEntry(entry) ? [entry, ...allCollectors.filter((c) => c.name !== entry.name)] : allCollectors
  return parseAgentArgs([`--path.procfs=${roots.procfs}`, `--path.sysfs=${roots.sysfs}`, `--path.rootfs=${roots.rootfs}`, ...(options.args ?? [])], known).config
}

/** Creates one instance, as the agent does at start; it keeps its state across collects. */
export function createFrom<I extends CollectorInstance>(entry: CollectorEntry<I>, options: CollectOptions = {}): I & Collector {
  const deps: CollectorDeps = { config: configFor(entry, options), gpuInventory: new GpuInventory(), processes: new ProcessTables(), ...options.deps }
  const instance = instantiate(entry, deps) as I & Collector
  // Every collect in a test also checks the families against the entry's declarations.
  const collect = instance.collect.bind(instance)
  instance.collect = async (ctx) => {
    const families = await collect(ctx)
    const problems = undeclared(entry, families)
    if (problems.length > 0) {
      throw new Error(`undeclared families: ${problems.join('; ')}`)
    }
    return families
  }
  return instance
}

/** A CollectContext rooted at fixture trees. */
export function contextFor(collector: Runnable | undefined, options: CollectOptions = {}, signal = new AbortController().signal): CollectContext {
  const roots = rootsOf(options)
  const config = configFor(collector, options)
  const memo = new Map<string, Promise<unknown>>()
  return {
    fs: options.fs ?? createHostFS({ ...roots, netnsPid: config.netnsPid }),
    exec: options.exec ?? execFileNoShell,
    signal,
    log: options.log ?? silentLogger,
    now: options.now ?? (() => 1_700_000_000_000),
    shared: <T>(key: string, load: () => Promise<T>) => {
      let p = memo.get(key) as Promise<T> | undefined
      if (!p) {
        p = load()
        memo.set(key, p)
      }
      return p
    },
  }
}

/**
 * Runs a collector once, directly (errors propagate), against fixture roots. An entry is
 * created for this one run and closed after it; an instance keeps its state.
 */
export async function collectFrom(collector: Runnable, options: CollectOptions = {}): Promise<MetricFamily[]> {
  if (!isEntry(collector)) {
    return collector.collect(contextFor(collector, options))
  }
  const instance = createFrom(collector, options)
  try {
    return await instance.collect(contextFor(collector, options))
  } finally {
    await instance.close?.()
  }
}

/** Runs a collector through the framework wrapper, as the sampler does. */
export async function runIsolated(collector: Runnable, options: CollectOptions = {}, timeoutMs = 5000): Promise<CollectorOutcome> {
  const instance = isEntry(collector) ? createFrom(collector, options) : collector
  try {
    return await runCollector(instance, (signal) => contextFor(collector, options, signal), timeoutMs)
  } finally {
    if (instance !== collector) {
      await instance.close?.()
    }
  }
}

export function family(families: readonly MetricFamily[], name: string): MetricFamily | undefined {
  return families.find((f) => f.name === name)
}

export function samplesOf(families: readonly MetricFamily[], name: string): readonly Sample[] {
  return family(families, name)?.samples ?? []
}

/** The value of the one sample of `name` whose labels include `labels`. */
export function sampleValue(families: readonly MetricFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const matches = samplesOf(families, name).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (matches.length > 1) {
    throw new Error(`${name}${JSON.stringify(labels)} matches ${matches.length} samples`)
  }
  return matches[0]?.value
}

/** A list entry for tests whose instances all run `collect` (no flags, no state). */
export function entryOf(name: string, collect: CollectorInstance['collect'], help = `${name} (test)`): CollectorEntry {
  return { name, defaultEnabled: true, help, families: [], forwards: true, create: () => ({ collect }) }
}

/** One instance and one context for several collects, as the agent runs it tick after tick. */
export function instanceWithContext<I extends CollectorInstance>(entry: CollectorEntry<I>, options: CollectOptions = {}): [I & Collector, CollectContext] {
  const instance = createFrom(entry, options)
  return [instance, contextFor(entry, options)]
}

const instanceOfContext = new WeakMap<CollectContext, Collector>()

/**
 * A context bound to one new instance of `entry`: `collectWith(ctx)` runs that instance, so
 * state carries from call to call as it does tick after tick in the agent.
 */
export function instanceContext(entry: CollectorEntry, options: CollectOptions = {}): CollectContext {
  const [instance, ctx] = instanceWithContext(entry, options)
  instanceOfContext.set(ctx, instance)
  return ctx
}

export function collectWith(ctx: CollectContext): Promise<MetricFamily[]> {
  const instance = instanceOfContext.get(ctx)
  if (!instance) throw new Error('collectWith: the context was not made by instanceContext')
  return instance.collect(ctx)
}
