import { ParseError } from './parse-error.ts'

/**
 * Single-value cgroup files: `cpuacct.usage`, `memory.usage_in_bytes`, `memory.current`,
 * `memory.swap.current`, `memory.limit_in_bytes`, `memory.max`, `cpu.cfs_period_us`,
 * `cpu.cfs_quota_us`, `cpu.max`. Each takes the whole file text (trailing newline allowed).
 */

/** cAdvisor's specMemoryValue: a limit above 2^62 is "unlimited" and reported as 0. */
const MEMORY_UNLIMITED_ABOVE = 2 ** 62

function trimmed(text: string): string {
  return text.replace(/\r?\n$/, '').trim()
}

/** An unsigned decimal cgroup value (fscommon.GetCgroupParamUint without its "max" case). */
export function parseCgroupUint(text: string, file: string): number {
  const t = trimmed(text)
  if (!/^\d{1,20}$/.test(t)) {
    throw new ParseError(`${file}: not an unsigned integer: ${JSON.stringify(t.slice(0, 40))}`)
  }
  return Number(t)
}

/**
 * `memory.limit_in_bytes` (v1) or `memory.max` (v2) as container_spec_memory_limit_bytes:
 * `max` and any value above 2^62 (v1 prints 9223372036854771712 for "no limit") give 0.
 */
export function parseMemoryLimit(text: string, file: string): number {
  const t = trimmed(text)
  if (t === 'max') return 0
  const v = parseCgroupUint(t, file)
  return v > MEMORY_UNLIMITED_ABOVE ? 0 : v
}

export interface CpuQuota {
  /** Quota in microseconds per period; undefined when unlimited (`max`, -1). */
  readonly quotaMicros: number | undefined
  readonly periodMicros: number
}

/** v2 `cpu.max`: "max 100000" or "50000 100000"; a lone quota keeps the kernel's 100000 µs period. */
export function parseCpuMax(text: string, file: string): CpuQuota {
  const parts = trimmed(text).split(/\s+/)
  if (parts.length < 1 || parts.length > 2 || parts[0] === '') {
    throw new ParseError(`${file}: expected "<quota|max> <period>": ${JSON.stringify(text.slice(0, 40))}`)
  }
  const [quota, period] = parts as [string, string | undefined]
  return {
    quotaMicros: quota === 'max' ? undefined : parseCgroupUint(quota, file),
    periodMicros: period === undefined ? 100_000 : parseCgroupUint(period, file),
  }
}

/** v1 `cpu.cfs_quota_us`: a signed integer, -1 (or any negative) meaning no quota. */
export function parseCfsQuota(text: string, file: string): number | undefined {
  const t = trimmed(text)
  if (!/^-?\d{1,20}$/.test(t)) {
    throw new ParseError(`${file}: not an integer: ${JSON.stringify(t.slice(0, 40))}`)
  }
  const v = Number(t)
  return v < 0 ? undefined : v
}
