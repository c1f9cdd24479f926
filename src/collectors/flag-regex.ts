import type { AgentConfig } from '../config/config.ts'
import { flagString } from '../config/config.ts'
import { goRegExp } from './device-filter.ts'

/** Thrown when a regexp flag does not compile; names the flag and the pattern. */
export class FlagRegexError extends Error {
  override readonly name = 'FlagRegexError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/**
 * Compiles a node_exporter-style regexp flag (RE2 syntax, unanchored match). The patterns
 * node_exporter documents are valid JavaScript regexps with the same meaning. Called once,
 * when the collector is created.
 */
export function compileFlagRegex(config: AgentConfig, flag: string): RegExp {
  const source = flagString(config, flag)
  return compileRegex(source, flag)
}

export function compileRegex(source: string, flag: string): RegExp {
  try {
    return goRegExp(source)
  } catch (err) {
    throw new FlagRegexError(`--${flag}: invalid regexp ${JSON.stringify(source)}`, { cause: err })
  }
}
