import { join } from 'node:path'
import { isNotFound } from '../platform/host-fs.ts'
import type { HostFS } from '../platform/host-fs.ts'
import { modifiedSeconds } from '../platform/cgroup-dirs.ts'
import { BLKIO_GROUPS, joinBlkio, parseBlkio, parseIoStat } from '../procfs/cgroup-io.ts'
import type { DeviceIo } from '../procfs/cgroup-io.ts'
import { parseCgroupKeyed, requireKey } from '../procfs/cgroup-stat.ts'
import type { CgroupKeyed } from '../procfs/cgroup-stat.ts'
import { parsePressure } from '../procfs/pressure.ts'
import { parseCfsQuota, parseCgroupUint, parseCpuMax, parseMemoryLimit } from '../procfs/cgroup-value.ts'
import type { CgroupLayout, Controller } from './cgroup-layout.ts'
import { readExtended } from './extended-stats.ts'
import type { ExtendedStats } from './extended-stats.ts'

/**
 * One container's usage, in the kernel's units, with cAdvisor's formulas applied
 * (google/cadvisor lib/container/libcontainer/handler.go setCPUStats/setMemoryStats/
 * setDiskIoStats over opencontainers/cgroups fs and fs2). A group is absent when its
 * controller is missing on the host or its files could not be parsed.
 */
export interface ContainerStats {
  readonly cpuUsageNanos?: number
  readonly cfs?: { readonly periods: number; readonly throttledPeriods: number; readonly throttledNanos: number }
  readonly memory?: { readonly usage: number; readonly workingSet: number; readonly rss: number; readonly cache: number; readonly swap: number }
  /** The container's own oom_kill count (v2 memory.events, v1 memory.oom_control). */
  readonly oomKills?: number
  /** Per device "major:minor". */
  readonly io?: ReadonlyMap<string, DeviceIo>
  /** v2 PSI totals in microseconds ("some" waiting, "full" stalled), with --collector.containers.pressure. */
  readonly pressure?: Partial<Record<PressureResource, { readonly someMicros: number; readonly fullMicros: number | undefined }>>
  /** With --collector.containers.extended (src/containers/extended-stats.ts). */
  readonly extended?: ExtendedStats
  /** The keyed files already parsed this tick, for the extended reader (not exported). */
  readonly raw?: { readonly cpuStat: CgroupKeyed | undefined; readonly memoryStat: CgroupKeyed | undefined }
}

export type PressureResource = 'cpu' | 'memory' | 'io'
const PRESSURE_RESOURCES: readonly PressureResource[] = ['cpu', 'memory', 'io']

/** Files that change rarely, read on the spec cadence. */
export interface ContainerSpec {
  /** container_spec_memory_limit_bytes (0 when unlimited); undefined without the memory controller. */
  readonly memoryLimit?: number
  readonly cpuPeriodMicros?: number
  /** Undefined when there is no quota (the cfs families are then not emitted). */
  readonly cpuQuotaMicros?: number
  /** Whole seconds, cAdvisor's CreationTime.Unix(). */
  readonly startTimeSeconds?: number
  /** v1 memory.use_hierarchy = 1: rss/cache/swap come from the total_* keys. */
  readonly useHierarchy: boolean
  /** With --collector.containers.extended: the spec families cAdvisor adds (absent where the file is). */
  readonly extended?: {
    /** v1 cpu.shares; v2 cpu.weight as cAdvisor converts it: 2 + ((weight − 1) × 262142) / 9999, integer division. */
    readonly cpuShares?: number
    /** v1 memory.soft_limit_in_bytes; v2 memory.min (cAdvisor's code); unlimited → 0. */
    readonly memoryReservation?: number
    /** v1 memory.memsw.limit_in_bytes; v2 memory.swap.max; unlimited → 0. */
    readonly memorySwapLimit?: number
  }
}

/**
 * Per-container memo across ticks: the index in BLKIO_GROUPS of the v1 blkio group that
 * last had a device line (undefined before the first IO).
 */
export interface ReadMemo {
  blkioGroup?: number
}

export interface ReadOptions {
  /** Read the v2 {cpu,memory,io}.pressure files too. */
  readonly pressure: boolean
  /** Keep the extended families' values (and read cpuacct.stat, cgroup.procs, pids.*, memory peaks, /proc/<pid>/fd). */
  readonly extended?: boolean
  /** container_last_seen's value (seconds), with extended. */
  readonly nowSeconds?: number
}

/** The container's cgroup went away during the read: drop it for this tick. */
export class CgroupVanishedError extends Error {
  override readonly name = 'CgroupVanishedError'
}

/** Reads through HostFS; a missing file is undefined, any other failure propagates. */
export async function maybe(fs: HostFS, path: string): Promise<string | undefined> {
  try {
    return await fs.readFile(path)
  } catch (err) {
    if (isNotFound(err)) return undefined
    throw err
  }
}

/** A file the controller always has: missing means the cgroup vanished. */
async function must(fs: HostFS, path: string): Promise<string> {
  const text = await maybe(fs, path)
  if (text === undefined) throw new CgroupVanishedError(`${path} vanished`)
  return text
}

export function dirOf(layout: CgroupLayout, controller: Controller, rel: string): string | undefined {
  const root = layout.controllers.get(controller)
  return root === undefined ? undefined : root + rel
}

/**
 * Runs one controller's read; a parse error drops that controller's families only.
 * A vanished cgroup propagates (the caller drops the container).
 */
async function group<T>(read: () => Promise<T>, onParseError: (err: Error) => void): Promise<T | undefined> {
  try {
    return await read()
  } catch (err) {
    if (err instanceof CgroupVanishedError) throw err
    onParseError(err as Error)
    return undefined
  }
}

function memoryFromStat(usage: number, stat: CgroupKeyed, keys: { rss: string; cache: string; swap: string | undefined; inactive: string }, swapUsage: number | undefined) {
  const v = (k: string) => stat.values.get(k) ?? 0
  const inactive = stat.values.get(keys.inactive)
  const workingSet = inactive === undefined ? usage : usage < inactive ? 0 : usage - inactive
  return { usage, workingSet, rss: v(keys.rss), cache: v(keys.cache), swap: swapUsage ?? (keys.swap === undefined ? 0 : v(keys.swap)) }
}

export async function readStats(
  fs: HostFS,
  layout: CgroupLayout,
  rel: string,
  spec: ContainerSpec,
  memo: ReadMemo,
  options: ReadOptions,
  onParseError: (err: Error) => void,
): Promise<ContainerStats> {
  let stats: ContainerStats
  if (!layout.unified) {
    stats = await readV1(fs, layout, rel, spec, memo, onParseError)
  } else {
    const dir = layout.discovery + rel
    stats = await readV2(fs, dir, onParseError)
    if (options.pressure) stats = { ...stats, pressure: await readPressure(fs, dir) }
  }
  return options.extended ? { ...stats, extended: await readExtended(fs, layout, rel, spec, stats, options.nowSeconds) } : stats
}

/** v2 PSI files; a missing or malformed one leaves its resource out. */
async function readPressure(fs: HostFS, dir: string): Promise<ContainerStats['pressure']> {
  const out: Partial<Record<PressureResource, { someMicros: number; fullMicros: number | undefined }>> = {}
  for (const r of PRESSURE_RESOURCES) {
    const file = join(dir, `${r}.pressure`)
    const text = await maybe(fs, file)
    if (text === undefined) continue
    try {
      const p = parsePressure(text, file)
      if (p.some) out[r] = { someMicros: p.some.totalMicroseconds, fullMicros: p.full?.totalMicroseconds }
    } catch {
      // malformed: this resource is left out
    }
  }
  return out
}

async function readV2(fs: HostFS, dir: string, onParseError: (err: Error) => void): Promise<ContainerStats> {
  const f = (name: string) => join(dir, name)
  const [cpuText, currentText, memStatText, swapText, eventsText, ioText] = await Promise.all([
    maybe(fs, f('cpu.stat')),
    maybe(fs, f('memory.current')),
    maybe(fs, f('memory.stat')),
    maybe(fs, f('memory.swap.current')),
    maybe(fs, f('memory.events')),
    maybe(fs, f('io.stat')),
  ])
  // cpu.stat exists in every v2 cgroup (usage_usec is kept without the cpu controller):
  // its absence means the directory is gone.
  if (cpuText === undefined) throw new CgroupVanishedError(`${dir} vanished`)
  const cpu = await group(async () => {
    const s = parseCgroupKeyed(cpuText)
    const usage = requireKey(s, 'usage_usec', f('cpu.stat')) * 1000
    const periods = s.values.get('nr_periods')
    const cfs = periods === undefined ? undefined : { periods, throttledPeriods: s.values.get('nr_throttled') ?? 0, throttledNanos: (s.values.get('throttled_usec') ?? 0) * 1000 }
    return { usage, cfs, stat: s }
  }, onParseError)
  const memory =
    currentText === undefined || memStatText === undefined
      ? undefined
      : await group(async () => {
          const usage = parseCgroupUint(currentText, f('memory.current'))
          const swap = swapText === undefined ? 0 : parseCgroupUint(swapText, f('memory.swap.current'))
          const stat = parseCgroupKeyed(memStatText)
          return { ...memoryFromStat(usage, stat, { rss: 'anon', cache: 'file', swap: undefined, inactive: 'inactive_file' }, swap), stat }
        }, onParseError)
  return {
    cpuUsageNanos: cpu?.usage,
    cfs: cpu?.cfs,
    memory: memory && { usage: memory.usage, workingSet: memory.workingSet, rss: memory.rss, cache: memory.cache, swap: memory.swap },
    raw: { cpuStat: cpu?.stat, memoryStat: memory?.stat },
    oomKills: eventsText === undefined ? undefined : parseCgroupKeyed(eventsText).values.get('oom_kill'),
    io: ioText === undefined ? undefined : parseIoStat(ioText),
  }
}

async function readV1(fs: HostFS, layout: CgroupLayout, rel: string, spec: ContainerSpec, memo: ReadMemo, onParseError: (err: Error) => void): Promise<ContainerStats> {
  const cpuacct = dirOf(layout, 'cpuacct', rel)
  const cpu = dirOf(layout, 'cpu', rel)
  const mem = dirOf(layout, 'memory', rel)
  const blkio = dirOf(layout, 'blkio', rel)
  const [usage, cfs, memory, io] = await Promise.all([
    cpuacct === undefined ? undefined : group(async () => parseCgroupUint(await must(fs, join(cpuacct, 'cpuacct.usage')), join(cpuacct, 'cpuacct.usage')), onParseError),
    cpu === undefined
      ? undefined
      : group(async () => {
          const s = parseCgroupKeyed(await must(fs, join(cpu, 'cpu.stat')))
          return { periods: s.values.get('nr_periods') ?? 0, throttledPeriods: s.values.get('nr_throttled') ?? 0, throttledNanos: s.values.get('throttled_time') ?? 0 }
        }, onParseError),
    mem === undefined
      ? undefined
      : group(async () => {
          const [usageText, statText, oomText] = await Promise.all([
            must(fs, join(mem, 'memory.usage_in_bytes')),
            must(fs, join(mem, 'memory.stat')),
            maybe(fs, join(mem, 'memory.oom_control')),
          ])
          const stat = parseCgroupKeyed(statText)
          const keys = spec.useHierarchy
            ? { rss: 'total_rss', cache: 'total_cache', swap: 'total_swap', inactive: 'total_inactive_file' }
            : { rss: 'rss', cache: 'cache', swap: 'swap', inactive: 'total_inactive_file' }
          const m = memoryFromStat(parseCgroupUint(usageText, join(mem, 'memory.usage_in_bytes')), stat, keys, undefined)
          return { m, stat, oom: oomText === undefined ? undefined : parseCgroupKeyed(oomText).values.get('oom_kill') }
        }, onParseError),
    blkio === undefined ? undefined : group(() => readBlkio(fs, blkio, memo), onParseError),
  ])
  return { cpuUsageNanos: usage, cfs, memory: memory?.m, oomKills: memory?.oom, io, raw: { cpuStat: undefined, memoryStat: memory?.stat } }
}

/**
 * runc's blkio order: the first group whose io_serviced file has a device line. The
 * throttle files count every IO of the cgroup whatever the scheduler, so an empty
 * `blkio.throttle.io_serviced` means no group has data (one read for an idle container);
 * once a group has had data it is read first (the scheduler of a device does not change
 * under a running container), falling back to the full search when it reads empty.
 */
async function readBlkio(fs: HostFS, dir: string, memo: ReadMemo): Promise<Map<string, DeviceIo> | undefined> {
  const tryGroup = async (i: number): Promise<Map<string, DeviceIo> | undefined> => {
    const g = BLKIO_GROUPS[i] as (typeof BLKIO_GROUPS)[number]
    const serviced = await maybe(fs, join(dir, g.serviced))
    if (serviced === undefined) return undefined
    const ops = parseBlkio(serviced)
    if (ops.size === 0) return undefined
    const bytes = await maybe(fs, join(dir, g.bytes))
    memo.blkioGroup = i
    return joinBlkio(ops, bytes === undefined ? new Map() : parseBlkio(bytes))
  }
  if (memo.blkioGroup !== undefined) {
    const known = await tryGroup(memo.blkioGroup)
    if (known) return known
  } else {
    const probe = await maybe(fs, join(dir, 'blkio.throttle.io_serviced'))
    if (probe !== undefined && parseBlkio(probe).size === 0) return undefined
  }
  for (let i = 0; i < BLKIO_GROUPS.length; i++) {
    const got = await tryGroup(i)
    if (got) return got
  }
  return undefined
}

/**
 * Limits, CFS quota and period, use_hierarchy and start time (the lowest mtime of the
 * cgroup directory and its `cgroup.clone_children` (v1) or `cgroup.events` (v2) over every
 * hierarchy, not before boot; cAdvisor's getSpecInternal).
 */
export async function readSpec(fs: HostFS, layout: CgroupLayout, rel: string, bootTimeSeconds: number | undefined, nowSeconds: number, extended = false): Promise<ContainerSpec> {
  const mem = dirOf(layout, 'memory', rel)
  const cpu = dirOf(layout, 'cpu', rel)
  const soft = async <T>(path: string | undefined, parse: (text: string, file: string) => T): Promise<T | undefined> => {
    if (path === undefined) return undefined
    const text = await maybe(fs, path)
    if (text === undefined) return undefined
    try {
      return parse(text, path)
    } catch {
      return undefined
    }
  }
  let memoryLimit: number | undefined
  let cpuPeriodMicros: number | undefined
  let cpuQuotaMicros: number | undefined
  let useHierarchy = false
  if (layout.unified) {
    memoryLimit = await soft(mem && join(mem, 'memory.max'), parseMemoryLimit)
    const max = await soft(cpu && join(cpu, 'cpu.max'), parseCpuMax)
    cpuPeriodMicros = max?.periodMicros
    cpuQuotaMicros = max?.quotaMicros
  } else {
    memoryLimit = await soft(mem && join(mem, 'memory.limit_in_bytes'), parseMemoryLimit)
    useHierarchy = (await soft(mem && join(mem, 'memory.use_hierarchy'), parseCgroupUint)) === 1
    cpuPeriodMicros = await soft(cpu && join(cpu, 'cpu.cfs_period_us'), parseCgroupUint)
    cpuQuotaMicros = await soft(cpu && join(cpu, 'cpu.cfs_quota_us'), parseCfsQuota)
  }
  if (cpuQuotaMicros === 0) cpuQuotaMicros = undefined
  let extendedSpec: ContainerSpec['extended']
  if (extended) {
    extendedSpec = layout.unified
      ? {
          cpuShares: await soft(cpu && join(cpu, 'cpu.weight'), (t, file) => 2 + Math.floor(((parseCgroupUint(t, file) - 1) * 262142) / 9999)),
          memoryReservation: await soft(mem && join(mem, 'memory.min'), parseMemoryLimit),
          memorySwapLimit: await soft(mem && join(mem, 'memory.swap.max'), parseMemoryLimit),
        }
      : {
          cpuShares: await soft(cpu && join(cpu, 'cpu.shares'), parseCgroupUint),
          memoryReservation: await soft(mem && join(mem, 'memory.soft_limit_in_bytes'), parseMemoryLimit),
          memorySwapLimit: await soft(mem && join(mem, 'memory.memsw.limit_in_bytes'), parseMemoryLimit),
        }
  }
  let lowest = nowSeconds
  for (const h of layout.hierarchies) {
    const dir = h + rel
    const d = modifiedSeconds(dir)
    if (d === undefined) continue
    lowest = Math.min(lowest, d)
    const file = modifiedSeconds(join(dir, layout.unified ? 'cgroup.events' : 'cgroup.clone_children'))
    if (file !== undefined) lowest = Math.min(lowest, file)
  }
  if (bootTimeSeconds !== undefined && lowest < bootTimeSeconds) lowest = bootTimeSeconds
  return {
    memoryLimit,
    cpuPeriodMicros,
    cpuQuotaMicros,
    useHierarchy,
    startTimeSeconds: lowest === nowSeconds ? undefined : Math.floor(lowest),
    ...(extendedSpec ? { extended: extendedSpec } : {}),
  }
}
