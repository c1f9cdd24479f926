import { ParseError, lines } from './parse-error.ts'

/** One processor block of /proc/cpuinfo, with the fields node_cpu_info labels carry. */
export interface CpuInfo {
  readonly processor: string
  readonly vendor: string
  readonly family: string
  readonly model: string
  readonly modelName: string
  readonly stepping: string
  readonly microcode: string
  readonly cacheSize: string
  readonly physicalId: string
  readonly coreId: string
  readonly flags: readonly string[]
  readonly bugs: readonly string[]
  /** `cpu MHz` as written (empty when the architecture does not report it). */
  readonly mhz: string
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** cpuinfo key -> field. x86 names, plus the aliases other architectures use. */
const KEYS: Readonly<Record<string, keyof CpuInfo>> = {
  vendor_id: 'vendor',
  vendor: 'vendor',
  'cpu family': 'family',
  model: 'model',
  'model name': 'modelName',
  stepping: 'stepping',
  microcode: 'microcode',
  'cache size': 'cacheSize',
  'physical id': 'physicalId',
  'core id': 'coreId',
  flags: 'flags',
  Features: 'flags',
  bugs: 'bugs',
  'cpu MHz': 'mhz',
}

function emptyCpu(processor: string): Mutable<CpuInfo> {
  return { processor, vendor: '', family: '', model: '', modelName: '', stepping: '', microcode: '', cacheSize: '', physicalId: '', coreId: '', flags: [], bugs: [], mhz: '' }
}

/**
 * Parses /proc/cpuinfo as prometheus/procfs does on x86: a `processor` line starts a
 * block; `key<TAB>: value` lines fill it; unknown keys are ignored. The value is what
 * follows ": " untrimmed, as procfs keeps it. Empty input gives no CPUs; text before
 * the first `processor` line (ARM's global header) is ignored.
 */
export function parseCpuInfo(text: string): CpuInfo[] {
  const cpus: Mutable<CpuInfo>[] = []
  // Every core of a host nearly always lists the same flags and bugs: split a list once and
  // share it (a third faster on a 96-core cpuinfo: docs/performance.md).
  const lists = new Map<string, readonly string[]>()
  const words = (value: string): readonly string[] => {
    let list = lists.get(value)
    if (!list) {
      list = Object.freeze(value.trim().split(/\s+/).filter(Boolean))
      lists.set(value, list)
    }
    return list
  }
  for (const line of lines(text)) {
    const colon = line.indexOf(':')
    if (colon === -1) {
      continue
    }
    const sep = line.indexOf(': ')
    const key = (sep === -1 ? line.slice(0, colon) : line.slice(0, sep)).trim()
    const value = sep === -1 ? '' : line.slice(sep + 2)
    if (key === 'processor') {
      const n = value.trim()
      if (!/^\d+$/.test(n)) {
        // ARM's "Processor : AArch64 Processor rev 4" names the model, not a CPU number.
        continue
      }
      cpus.push(emptyCpu(String(Number(n))))
      continue
    }
    const field = KEYS[key]
    const cpu = cpus[cpus.length - 1]
    if (!field || !cpu) {
      continue
    }
    if (field === 'flags' || field === 'bugs') {
      cpu[field] = words(value)
    } else {
      cpu[field] = value
    }
  }
  return cpus
}

/** Parses a sysfs CPU list such as "0-3,8,10-11" (cpu/isolated, cpu/online). Empty: none. */
export function parseCpuList(text: string): number[] {
  const out: number[] = []
  const body = text.trim()
  if (body === '') {
    return out
  }
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part.trim())
    if (!m) {
      throw new ParseError(`invalid CPU list entry ${JSON.stringify(part.slice(0, 40))} in ${JSON.stringify(body.slice(0, 60))}`)
    }
    const from = Number(m[1])
    const to = m[2] === undefined ? from : Number(m[2])
    if (to < from || to - from > 65_536) {
      throw new ParseError(`invalid CPU range ${JSON.stringify(part)} in a CPU list`)
    }
    for (let c = from; c <= to; c++) {
      out.push(c)
    }
  }
  return out
}
