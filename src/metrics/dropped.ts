import type { Families } from './families.ts'

/** One family, one HELP: every per-collector cap and the node budget count their cuts here. */
export const DROPPED_FAMILY = 'odin_series_dropped_total'
export const DROPPED_HELP = 'odin-agent: Series cut by a per-collector cap.'
/** The declaration every capped collector lists among its families. */
export const DROPPED_DECL = { name: DROPPED_FAMILY, type: 'counter', help: DROPPED_HELP } as const

/** Adds `{collector}`'s count of series cut by its cap to `f`. */
export function countDropped(f: Families, dropped: number, collector: string): void {
  f.counter(DROPPED_FAMILY, DROPPED_HELP, dropped, { collector })
}
