import { flagBool, flagString } from '../config/config.ts'
import { Families } from '../metrics/families.ts'
import { isNotFound } from '../platform/host-fs.ts'
import { parseCpuInfo, parseCpuList } from '../procfs/cpuinfo.ts'
import { CPU_TIME_FIELDS } from '../procfs/stat.ts'
import type { CpuTimes } from '../procfs/stat.ts'
import { goRegExp, regexpFlag } from './device-filter.ts'
import { readOptional } from './read.ts'
import { readProcStat } from './stat.ts'
import type { CollectContext, CollectorEntry } from './types.ts'

/** node_cpu_seconds_total modes, in node_exporter's order. */
const MODES = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'] as const

/** An idle counter this many seconds lower than last time means a hot-plugged CPU: reset. */
const JUMP_BACK_SECONDS = 3

const HELP = {
  seconds: 'Seconds the CPUs spent in each mode.',
  guest: 'Seconds the CPUs spent in guests (VMs) for each mode.',
  info: 'CPU information from /proc/cpuinfo.',
  frequency: 'CPU frequency in hertz from /proc/cpuinfo.',
  flag: 'The `flags` field of CPU information from /proc/cpuinfo taken from the first core.',
  bug: 'The `bugs` field of CPU information from /proc/cpuinfo taken from the first core.',
  isolated: 'Whether each core is isolated, information from /sys/devices/system/cpu/isolated.',
  online: 'CPUs that are online and being scheduled.',
  core: 'Number of times this CPU core has been throttled.',
  pkg: 'Number of times this CPU package has been throttled.',
}

/**
 * node_exporter's cpu collector. Counters never go backwards: a lower reading keeps the
 * previous value, and an idle counter 3 s lower resets that CPU (hotplug), as upstream.
 * CPUs gone from /proc/stat are dropped rather than reported stale.
 */
export const cpuCollector: CollectorEntry = {
  name: 'cpu',
  defaultEnabled: true,
  help: 'Exposes CPU statistics.',
  families: [
    { name: 'node_cpu_bug_info', type: 'gauge', help: HELP.bug },
    { name: 'node_cpu_core_throttles_total', type: 'counter', help: HELP.core },
    { name: 'node_cpu_flag_info', type: 'gauge', help: HELP.flag },
    { name: 'node_cpu_frequency_hertz', type: 'gauge', help: HELP.frequency },
    { name: 'node_cpu_guest_seconds_total', type: 'counter', help: HELP.guest },
    { name: 'node_cpu_info', type: 'gauge', help: HELP.info },
    { name: 'node_cpu_isolated', type: 'gauge', help: HELP.isolated },
    { name: 'node_cpu_online', type: 'gauge', help: HELP.online },
    { name: 'node_cpu_package_throttles_total', type: 'counter', help: HELP.pkg },
    { name: 'node_cpu_seconds_total', type: 'counter', help: HELP.seconds },
  ],
  flags: [
    { name: 'collector.cpu.guest', kind: 'bool', default: true, help: 'Enables metric node_cpu_guest_seconds_total' },
    // On by default here (node_exporter: off); see docs/host-collectors.md.
    { name: 'collector.cpu.info', kind: 'bool', default: true, help: 'Enables metric cpu_info (node_cpu_info, node_cpu_flag_info, node_cpu_bug_info).' },
    {
      name: 'collector.cpu.info.flags-include',
      kind: 'string',
      check: regexpFlag,
      default: '',
      help: 'Filter the `flags` field in cpuInfo with a value that must be a regular expression (empty: every flag).',
    },
    {
      name: 'collector.cpu.info.bugs-include',
      kind: 'string',
      check: regexpFlag,
      default: '',
      help: 'Filter the `bugs` field in cpuInfo with a value that must be a regular expression (empty: every bug).',
    },
  ],
  create({ config }) {
    const guest = flagBool(config, 'collector.cpu.guest')
    const flagsInclude = flagString(config, 'collector.cpu.info.flags-include')
    const bugsInclude = flagString(config, 'collector.cpu.info.bugs-include')
    const info = flagBool(config, 'collector.cpu.info') || flagsInclude !== '' || bugsInclude !== ''
    const filters: InfoFilters = {
      flags: flagsInclude === '' ? undefined : goRegExp(flagsInclude),
      bugs: bugsInclude === '' ? undefined : goRegExp(bugsInclude),
    }
    const last = new Map<number, CpuTimes>()

    const monotonic = (cpu: number, now: CpuTimes): CpuTimes => {
      let prev = last.get(cpu)
      if (prev && prev.idle - now.idle >= JUMP_BACK_SECONDS) {
        prev = undefined
      }
      const next = prev ? (Object.fromEntries(CPU_TIME_FIELDS.map((k) => [k, Math.max(now[k], prev[k])])) as unknown as CpuTimes) : now
      last.set(cpu, next)
      return next
    }

    return {
      async collect(ctx) {
        const f = new Families()
        const stat = await readProcStat(ctx)
        for (const cpu of [...last.keys()]) {
          if (!stat.cpus.has(cpu)) {
            last.delete(cpu)
          }
        }
        for (const [cpu, raw] of stat.cpus) {
          const t = monotonic(cpu, raw)
          for (const mode of MODES) {
            f.counter('node_cpu_seconds_total', HELP.seconds, t[mode], { cpu: String(cpu), mode })
          }
          if (guest) {
            f.counter('node_cpu_guest_seconds_total', HELP.guest, t.guest, { cpu: String(cpu), mode: 'user' })
            f.counter('node_cpu_guest_seconds_total', HELP.guest, t.guestNice, { cpu: String(cpu), mode: 'nice' })
          }
        }
        const [, , cpus] = await Promise.all([info ? addInfo(ctx, f, filters) : undefined, addIsolated(ctx, f), cpuDirs(ctx)])
        await Promise.all([addThrottles(ctx, f, cpus), addOnline(ctx, f, cpus)])
        return f.list()
      },
    }
  },
}

/** --collector.cpu.info.flags-include / bugs-include, compiled once; undefined: every value. */
interface InfoFilters {
  readonly flags: RegExp | undefined
  readonly bugs: RegExp | undefined
}

async function addInfo(ctx: CollectContext, f: Families, filters: InfoFilters): Promise<void> {
  const text = await readOptional(ctx, ctx.fs.proc('cpuinfo'))
  const cpus = text === undefined ? [] : parseCpuInfo(text)
  for (const c of cpus) {
    f.gauge('node_cpu_info', HELP.info, 1, {
      package: c.physicalId,
      core: c.coreId,
      cpu: c.processor,
      vendor: c.vendor,
      family: c.family,
      model: c.model,
      model_name: c.modelName,
      microcode: c.microcode,
      stepping: c.stepping,
      cachesize: c.cacheSize,
    })
  }
  for (const c of cpus) {
    const mhz = Number.parseFloat(c.mhz)
    if (c.mhz.trim() !== '' && Number.isFinite(mhz)) {
      f.gauge('node_cpu_frequency_hertz', HELP.frequency, mhz * 1e6, { package: c.physicalId, core: c.coreId, cpu: c.processor })
    }
  }
  const first = cpus[0]
  if (!first) {
    return
  }
  const field = (values: readonly string[], re: RegExp | undefined, name: string, label: string, help: string) => {
    for (const v of values) {
      if (!re || re.test(v)) {
        f.gauge(name, help, 1, { [label]: v })
      }
    }
  }
  field(first.flags, filters.flags, 'node_cpu_flag_info', 'flag', HELP.flag)
  field(first.bugs, filters.bugs, 'node_cpu_bug_info', 'bug', HELP.bug)
}

async function addIsolated(ctx: CollectContext, f: Families): Promise<void> {
  const text = await readOptional(ctx, ctx.fs.sys('devices/system/cpu/isolated'))
  if (text === undefined) {
    return
  }
  let cpus: number[]
  try {
    cpus = parseCpuList(text)
  } catch (err) {
    // An optional attribute: a malformed list must not cost the CPU time series.
    ctx.log.warn('ignoring unparseable CPU list', { path: ctx.fs.sys('devices/system/cpu/isolated'), err: String(err) })
    return
  }
  for (const cpu of cpus) {
    f.gauge('node_cpu_isolated', HELP.isolated, 1, { cpu: String(cpu) })
  }
}

/** sysfs cpuN directories, sorted as Go's filepath.Glob sorts them. */
async function cpuDirs(ctx: CollectContext): Promise<string[]> {
  try {
    const names = await ctx.fs.readdir(ctx.fs.sys('devices/system/cpu'))
    return names.filter((n) => /^cpu\d+$/.test(n)).sort()
  } catch {
    return []
  }
}

async function readUint(ctx: CollectContext, path: string): Promise<number | undefined> {
  const text = await readOptional(ctx, path)
  const v = text?.trim()
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined
}

/**
 * Core and package throttle counts, as node_exporter: each read once per core and per
 * package, from the first CPU (in glob order) of that core / package that has the file.
 */
async function addThrottles(ctx: CollectContext, f: Families, cpus: readonly string[]): Promise<void> {
  const topo = await Promise.all(
    cpus.map(async (cpu) => {
      const [pkg, core] = await Promise.all([
        readUint(ctx, ctx.fs.sys('devices/system/cpu', cpu, 'topology/physical_package_id')),
        readUint(ctx, ctx.fs.sys('devices/system/cpu', cpu, 'topology/core_id')),
      ])
      return { cpu, pkg, core }
    }),
  )
  const cores = new Map<string, { labels: Record<string, string>; cpus: string[] }>()
  const packages = new Map<string, { labels: Record<string, string>; cpus: string[] }>()
  const group = (m: typeof cores, key: string, labels: Record<string, string>, cpu: string) => {
    const g = m.get(key) ?? { labels, cpus: [] }
    g.cpus.push(cpu)
    m.set(key, g)
  }
  for (const { cpu, pkg, core } of topo) {
    if (pkg !== undefined && core !== undefined) {
      group(cores, `${pkg}/${core}`, { package: String(pkg), core: String(core) }, cpu)
      group(packages, String(pkg), { package: String(pkg) }, cpu)
    }
  }
  const firstCount = async (candidates: readonly string[], file: string) => {
    for (const cpu of candidates) {
      const v = await readUint(ctx, ctx.fs.sys('devices/system/cpu', cpu, 'thermal_throttle', file))
      if (v !== undefined) {
        return v
      }
    }
    return undefined
  }
  const emit = async (groups: typeof cores, file: string, name: string, help: string) => {
    const list = [...groups.values()]
    const counts = await Promise.all(list.map((g) => firstCount(g.cpus, file)))
    list.forEach((g, i) => {
      const v = counts[i]
      if (v !== undefined) {
        f.counter(name, help, v, g.labels)
      }
    })
  }
  await Promise.all([
    emit(packages, 'package_throttle_count', 'node_cpu_package_throttles_total', HELP.pkg),
    emit(cores, 'core_throttle_count', 'node_cpu_core_throttles_total', HELP.core),
  ])
}

/** node_cpu_online per CPU, only where the kernel exposes cpu0/online (hotpluggable CPU0). */
async function addOnline(ctx: CollectContext, f: Families, cpus: readonly string[]): Promise<void> {
  const first = cpus[0]
  if (!first) {
    return
  }
  try {
    await ctx.fs.readFile(ctx.fs.sys('devices/system/cpu', first, 'online'))
  } catch (err) {
    if (isNotFound(err)) {
      return
    }
  }
  const states = await Promise.all(cpus.map((cpu) => readOptional(ctx, ctx.fs.sys('devices/system/cpu', cpu, 'online'))))
  cpus.forEach((cpu, i) => {
    f.gauge('node_cpu_online', HELP.online, states[i]?.trim() === '1' ? 1 : 0, { cpu: cpu.slice(3) })
  })
}
