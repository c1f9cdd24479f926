import { lines, num } from './parse-error.ts'

/** One /proc/diskstats line: device identity and its 11, 15 or 17 counters in file order. */
export interface DiskStatsLine {
  readonly major: number
  readonly minor: number
  readonly device: string
  /**
   * reads completed, reads merged, sectors read, ms reading, writes completed, writes
   * merged, sectors written, ms writing, I/Os in progress, ms doing I/O, weighted ms;
   * then (4.18+) discards completed, discards merged, sectors discarded, ms discarding;
   * then (5.5+) flush requests completed, ms flushing.
   */
  readonly stats: readonly number[]
}

/** Fewer columns than kernels since 2.6.25 print for every device. */
const MIN_STATS = 11
const MAX_STATS = 17

/**
 * Parses /proc/diskstats. A line with fewer than 14 fields (truncated, or a pre-2.6.25
 * partition line) is skipped; columns past the 17 known ones are ignored; a
 * non-numeric value throws ParseError.
 */
export function parseDiskstats(text: string): DiskStatsLine[] {
  const out: DiskStatsLine[] = []
  for (const line of lines(text)) {
    const parts = line.trim().split(/\s+/)
    if (parts.length < 3 + MIN_STATS) {
      continue
    }
    const device = parts[2] as string
    const what = (col: string) => `${col} of ${device} in /proc/diskstats`
    out.push({
      major: num(parts[0], what('major')),
      minor: num(parts[1], what('minor')),
      device,
      stats: parts.slice(3, 3 + MAX_STATS).map((v, i) => num(v, what(`column ${i + 4}`))),
    })
  }
  return out
}
