export type FlagKind = 'string' | 'bool' | 'duration' | 'int' | 'enum' | 'list'

/** One command-line flag. Collectors and detectors declare their own; the CLI merges them. */
export interface FlagSpec {
  readonly name: string
  readonly help: string
  readonly kind: FlagKind
  readonly default?: string | number | boolean
  /** Accepted values for `enum`. */
  readonly values?: readonly string[]
  /** For `list`: the value is split on commas and repeated flags accumulate. */
  /** For `int`: the least accepted value (a count or a cap: 0). */
  readonly min?: number
  /** For `string`: what the value must be, or undefined when it is fine (a regexp compiles, a file exists and parses: file-flag.ts). */
  readonly check?: (value: string) => string | undefined
  /** Another flag this one cannot be given with, both non-empty (node_exporter's include/exclude pairs). */
  readonly exclusiveWith?: string
}

export type FlagValue = string | number | boolean | readonly string[]

export class FlagError extends Error {
  override readonly name = 'FlagError'
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** Parses Prometheus-style durations (`500ms`, `15s`, `1m30s`, `2h`) into milliseconds. */
export function parseDuration(text: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g
  let total = 0
  let consumed = 0
  for (const m of text.matchAll(re)) {
    if (m.index !== consumed) {
      break
    }
    total += Number(m[1]) * (UNITS[m[2] as string] as number)
    consumed += m[0].length
  }
  if (consumed === 0 || consumed !== text.length) {
    throw new FlagError(`invalid duration "${text}" (examples: 500ms, 15s, 1m)`)
  }
  return total
}

export function coerceFlag(spec: FlagSpec, raw: string): FlagValue {
  switch (spec.kind) {
    case 'string': {
      const accepted = spec.check?.(raw)
      if (accepted !== undefined) {
        throw new FlagError(`--${spec.name}: invalid value "${raw}" (accepted: ${accepted})`)
      }
      return raw
    }
    case 'list':
      return raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    case 'bool':
      if (raw === 'true' || raw === '') {
        return true
      }
      if (raw === 'false') {
        return false
      }
      throw new FlagError(`--${spec.name}: invalid value "${raw}" (accepted: true, false)`)
    case 'int': {
      const n = /^-?\d+$/.test(raw) ? Number(raw) : Number.NaN
      if (!Number.isSafeInteger(n) || (spec.min !== undefined && n < spec.min)) {
        const accepted = spec.min === undefined ? 'an integer' : `an integer >= ${spec.min}`
        throw new FlagError(`--${spec.name}: invalid value "${raw}" (accepted: ${accepted})`)
      }
      return n
    }
    case 'duration': {
      // Every duration flag is a deadline or an interval: zero makes no sense for any.
      let ms = Number.NaN
      try {
        ms = parseDuration(raw)
      } catch {}
      if (!(ms > 0) || !Number.isFinite(ms)) {
        throw new FlagError(`--${spec.name}: invalid value "${raw}" (accepted: a positive duration such as 500ms, 15s, 1m)`)
      }
      return ms
    }
    case 'enum':
      if (!spec.values?.includes(raw)) {
        throw new FlagError(`--${spec.name}: invalid value "${raw}" (accepted: ${spec.values?.join(', ')})`)
      }
      return raw
  }
}
