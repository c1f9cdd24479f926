import { parseAgentArgs } from '../../src/config/config.ts'
import type { Collector, CollectContext } from '../../src/collectors/types.ts'
import { silentLogger } from '../../src/log/logger.ts'
import type { Logger } from '../../src/log/logger.ts'
import type { MetricFamily, Sample } from '../../src/metrics/types.ts'
import { createHostFS } from '../../src/platform/host-fs.ts'
import type { HostFS } from '../../src/platform/host-fs.ts'
import { execFileNoShell } from '../../src/platform/exec.ts'
import type { Exec } from '../../src/platform/exec.ts'
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
}

/** A CollectContext rooted at fixture trees, with flags parsed as the CLI would. */
export function contextFor(collector: Collector, options: CollectOptions = {}, signal = new AbortController().signal): CollectContext {
  const roots = {
    procfs: options.procfs ?? '/nonexistent/proc',
    sysfs: options.sysfs ?? '/nonexistent/sys',
    rootfs: options.rootfs ?? '/nonexistent/root',
  }
  const { config } = parseAgentArgs(
    [`--path.procfs=${roots.procfs}`, `--path.sysfs=${roots.sysfs}`, `--path.rootfs=${roots.rootfs}`, ...(options.args ?? [])],
    [collector],
  )
  const memo = new Map<string, Promise<unknown>>()
  return {
    fs: options.fs ?? createHostFS({ ...roots, netnsPid: config.netnsPid }),
    exec: options.exec ?? execFileNoShell,
    signal,
    config,
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

/** Runs a collector directly (errors propagate) against fixture roots. */
export function collectFrom(collector: Collector, options: CollectOptions = {}): Promise<MetricFamily[]> {
  return collector.collect(contextFor(collector, options))
}

/** Runs a collector through the framework wrapper, as the sampler does. */
export function runIsolated(collector: Collector, options: CollectOptions = {}, timeoutMs = 5000): Promise<CollectorOutcome> {
  return runCollector(collector, (signal) => contextFor(collector, options, signal), timeoutMs)
}

export function family(families: readonly MetricFamily[], name: string): MetricFamily | undefined {
  return families.find((f) => f.name === name)
}

export function samplesOf(families: readonly MetricFamily[], name: string): readonly Sample[] {
  return family(families, name)?.samples ?? []
}

/** The value of the one sample of `name` whose labels include `labels`. */
export function valueOf(families: readonly MetricFamily[], name: string, labels: Record<string, string> = {}): number | undefined {
  const matches = samplesOf(families, name).filter((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (matches.length > 1) {
    throw new Error(`${name}${JSON.stringify(labels)} matches ${matches.length} samples`)
  }
  return matches[0]?.value
}
