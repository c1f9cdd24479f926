import type { Collector } from './types.ts'
import { loadavgCollector } from './loadavg.ts'

/**
 * Every collector the agent knows, in exposition order. Flags, --help and the README
 * table are generated from this one list.
 */
export const allCollectors: readonly Collector[] = [
  loadavgCollector,
]
