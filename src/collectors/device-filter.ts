import type { AgentConfig } from '../config/config.ts'
import { flagString } from '../config/config.ts'
import type { FlagSpec } from '../config/flag-spec.ts'

/** A device (or mount point, or fs type) include/exclude pair, as node_exporter's deviceFilter. */
export interface DeviceFilter {
  ignored(name: string): boolean
}

/** The flag pair is invalid: both set, or a pattern that does not compile. */
export class DeviceFilterError extends Error {
  override readonly name = 'DeviceFilterError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * Compiles a Go (RE2) pattern as a JavaScript RegExp. The RE2 subset node_exporter's
 * defaults use is valid JavaScript; a leading inline flag group such as `(?i)` becomes a
 * RegExp flag. Like Go's MatchString, the pattern is unanchored.
 */
export function goRegExp(pattern: string): RegExp {
  const m = /^\(\?([ims]+)\)/.exec(pattern)
  const flags = m ? [...new Set(m[1])].join('') : ''
  return new RegExp(m ? pattern.slice(m[0].length) : pattern, flags)
}

/** A FlagSpec check: the value compiles as goRegExp does it at collect time. */
export function regexpFlag(value: string): string | undefined {
  try {
    goRegExp(value)
    return undefined
  } catch {
    return 'a regular expression'
  }
}

/**
 * Declares `<prefix>-include` / `<prefix>-exclude` (e.g. `collector.netdev.device`),
 * with node_exporter's help text and default exclude.
 */
export function deviceFilterFlags(prefix: string, noun: string, defaultExclude = ''): FlagSpec[] {
  return [
    {
      name: `${prefix}-exclude`,
      kind: 'string',
      default: defaultExclude,
      check: regexpFlag,
      exclusiveWith: `${prefix}-include`,
      help: `Regexp of ${noun} to exclude (mutually exclusive to ${prefix.split('.').pop()}-include).`,
    },
    {
      name: `${prefix}-include`,
      kind: 'string',
      default: '',
      check: regexpFlag,
      exclusiveWith: `${prefix}-exclude`,
      help: `Regexp of ${noun} to include (mutually exclusive to ${prefix.split('.').pop()}-exclude).`,
    },
  ]
}

/**
 * Builds the filter from the flags declared by deviceFilterFlags. As node_exporter: an
 * include pattern given with the exclude left at its default drops the default; both
 * given is an error.
 */
export function deviceFilterFrom(config: AgentConfig, prefix: string, defaultExclude = ''): DeviceFilter {
  let exclude = flagString(config, `${prefix}-exclude`)
  const include = flagString(config, `${prefix}-include`)
  if (include !== '' && exclude === defaultExclude) {
    exclude = ''
  }
  if (include !== '' && exclude !== '') {
    throw new DeviceFilterError(`--${prefix}-exclude and --${prefix}-include are mutually exclusive`)
  }
  const compile = (flag: string, pattern: string): RegExp | undefined => {
    if (pattern === '') {
      return undefined
    }
    try {
      return goRegExp(pattern)
    } catch (err) {
      throw new DeviceFilterError(`--${flag}: invalid regular expression ${JSON.stringify(pattern)}`, { cause: err })
    }
  }
  const ex = compile(`${prefix}-exclude`, exclude)
  const inc = compile(`${prefix}-include`, include)
  return {
    ignored: (name) => ex?.test(name) || (inc !== undefined && !inc.test(name)),
  }
}
