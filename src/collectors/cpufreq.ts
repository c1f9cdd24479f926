import { Families } from '../metrics/families.ts'
import { isNotFound } from '../platform/host-fs.ts'
import { parseCpuList, parseUnsigned, sysValue } from '../procfs/sysfs-value.ts'
import { readOptional } from './read.ts'
import type { CollectorEntry, CollectContext } from './types.ts'
import { NoDataError } from './types.ts'

/** cpufreq attributes in kHz and the node_cpu_* gauge (Hz) each becomes. */
const FREQUENCIES: readonly (readonly [file: string, name: string, help: string])[] = [
  ['cpuinfo_cur_freq', 'node_cpu_frequency_hertz', 'Current cpu thread frequency in hertz.'],
  ['cpuinfo_min_freq', 'node_cpu_frequency_min_hertz', 'Minimum cpu thread frequency in hertz.'],
  ['cpuinfo_max_freq', 'node_cpu_frequency_max_hertz', 'Maximum cpu thread frequency in hertz.'],
  ['scaling_cur_freq', 'node_cpu_scaling_frequency_hertz', 'Current scaled CPU thread frequency in hertz.'],
  ['scaling_min_freq', 'node_cpu_scaling_frequency_min_hertz', 'Minimum scaled CPU thread frequency in hertz.'],
  ['scaling_max_freq', 'node_cpu_scaling_frequency_max_hertz', 'Maximum scaled CPU thread frequency in hertz.'],
]

async function offlineCpus(ctx: CollectContext): Promise<Set<string>> {
  const path = ctx.fs.sys('devices', 'system', 'cpu', 'offline')
  const text = await readOptional(ctx, path)
  return new Set(text === undefined ? [] : parseCpuList(text, path).map(String))
}

interface CpuFreq {
  readonly cpu: string
  readonly dir: string
  readonly values: readonly (string | undefined)[]
  readonly governor?: string
  readonly available?: string
}

/** Reads one CPU's cpufreq directory; undefined when the CPU has none. */
async function readCpu(ctx: CollectContext, cpuPath: string, cpu: string): Promise<CpuFreq | undefined> {
  const dir = `${cpuPath}/cpufreq`
  if ((await ctx.fs.readdir(dir).catch(() => undefined)) === undefined) {
    return undefined
  }
  const read = async (file: string) => {
    const text = await readOptional(ctx, `${dir}/${file}`)
    return text === undefined ? undefined : sysValue(text)
  }
  const values = await Promise.all(FREQUENCIES.map(([file]) => read(file)))
  const governor = await read('scaling_governor')
  const available = await read('scaling_available_governors')
  return { cpu, dir, values, ...(governor === undefined ? {} : { governor }), ...(available === undefined ? {} : { available }) }
}

/**
 * Per-CPU frequency scaling from /sys/devices/system/cpu/cpuN/cpufreq. Offline CPUs are
 * skipped; an attribute the driver lacks (or does not let us read) is left out.
 */
export const cpufreqCollector: CollectorEntry = {
  name: 'cpufreq',
  defaultEnabled: true,
  help: 'Exposes CPU frequency scaling statistics from /sys/devices/system/cpu/cpu*/cpufreq.',
  families: [
    { name: 'node_cpu_frequency_hertz', type: 'gauge', help: 'Current cpu thread frequency in hertz.' },
    { name: 'node_cpu_frequency_max_hertz', type: 'gauge', help: 'Maximum cpu thread frequency in hertz.' },
    { name: 'node_cpu_frequency_min_hertz', type: 'gauge', help: 'Minimum cpu thread frequency in hertz.' },
    { name: 'node_cpu_scaling_frequency_hertz', type: 'gauge', help: 'Current scaled CPU thread frequency in hertz.' },
    { name: 'node_cpu_scaling_frequency_max_hertz', type: 'gauge', help: 'Maximum scaled CPU thread frequency in hertz.' },
    { name: 'node_cpu_scaling_frequency_min_hertz', type: 'gauge', help: 'Minimum scaled CPU thread frequency in hertz.' },
    { name: 'node_cpu_scaling_governor', type: 'gauge', help: 'Current enabled CPU frequency governor.' },
  ],
  create: () => ({
    async collect(ctx) {
      const cpuDir = ctx.fs.sys('devices', 'system', 'cpu')
      let entries: string[]
      try {
        entries = await ctx.fs.readdir(cpuDir)
      } catch (err) {
        if (isNotFound(err)) {
          throw new NoDataError(`${cpuDir} not found`, { cause: err })
        }
        throw err
      }
      const offline = await offlineCpus(ctx)
      const cpus = entries.filter((e) => /^cpu\d+$/.test(e) && !offline.has(e.slice(3))).sort()
      const results = await Promise.all(cpus.map((cpuName) => readCpu(ctx, `${cpuDir}/${cpuName}`, cpuName.slice(3))))
      const found = results.filter((r) => r !== undefined)
      if (found.length === 0) {
        throw new NoDataError(`no cpufreq directory under ${cpuDir}/cpu*`)
      }
      const f = new Families()
      for (const r of found) {
        FREQUENCIES.forEach(([file, name, help], i) => {
          const raw = r.values[i]
          if (raw !== undefined) {
            f.gauge(name, help, parseUnsigned(raw, `${r.dir}/${file}`) * 1000, { cpu: r.cpu })
          }
        })
        if (r.governor) {
          for (const g of (r.available ?? '').split(' ').filter(Boolean)) {
            f.gauge('node_cpu_scaling_governor', 'Current enabled CPU frequency governor.', g === r.governor ? 1 : 0, { cpu: r.cpu, governor: g })
          }
        }
      }
      return f.list()
    },
  }),
}
