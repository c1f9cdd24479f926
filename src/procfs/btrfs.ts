import { goDecimalUint } from './go-uint.ts'
import { goTrimSpace } from './sysfs-value.ts'
import { ParseError } from './parse-error.ts'

/**
 * Value rules of /sys/fs/btrfs/<uuid>/ as prometheus/procfs' btrfs package reads them
 * (btrfs/get.go), which node_exporter's btrfs collector exports.
 */

/** Linux counts device sizes in 512-byte sectors whatever the device's block size. */
export const BTRFS_SECTOR_SIZE = 512

/** 2^64-1 as Go's float64 of it (2^64): what procfs' ParseUint returns on overflow. */
const UINT64_MAX_FLOAT = Number((1n << 64n) - 1n)

/**
 * A single-value attribute (bytes_used, total_bytes, devices/<dev>/size, ...) the way
 * procfs reads it: strings.TrimSpace, then strconv.ParseUint(s, 10, 64) with the error
 * ignored. So an empty or non-numeric value is 0 and a value above 2^64-1 is 2^64-1,
 * exactly what node_exporter exports for it; the file never fails the run.
 */
export function parseBtrfsValue(text: string): number {
  const value = goDecimalUint(goTrimSpace(text))
  return value === 'syntax' ? 0 : value === 'range' ? UINT64_MAX_FLOAT : value
}

/** A text attribute (label, metadata_uuid): surrounding whitespace removed. */
export function btrfsText(text: string): string {
  return goTrimSpace(text)
}

/** The filesystem's uuid label: metadata_uuid, or the sysfs directory name when that is empty. */
export function btrfsUuid(metadataUuid: string | undefined, dirName: string): string {
  const uuid = metadataUuid === undefined ? '' : btrfsText(metadataUuid)
  return uuid === '' ? dirName : uuid
}

export interface BtrfsCommitStats {
  readonly commits: number
  readonly lastCommitMs: number
  readonly maxCommitMs: number
  readonly totalCommitMs: number
}

/** commit_stats keys and the fields they fill; other keys are skipped. */
const COMMIT_KEYS: ReadonlyMap<string, keyof BtrfsCommitStats> = new Map([
  ['commits', 'commits'],
  ['last_commit_ms', 'lastCommitMs'],
  ['max_commit_ms', 'maxCommitMs'],
  ['total_commit_ms', 'totalCommitMs'],
])

/** A filesystem without commit_stats (kernels before 6.0): all zero, as procfs reports it. */
export const NO_COMMIT_STATS: BtrfsCommitStats = { commits: 0, lastCommitMs: 0, maxCommitMs: 0, totalCommitMs: 0 }

/**
 * Parses commit_stats ("commits 258051" per line, kernel 6.0+). As in procfs, every line
 * must be "<key> <uint64>", known key or not; blank lines are skipped. `file` names it
 * in errors.
 */
export function parseCommitStats(text: string, file: string): BtrfsCommitStats {
  const stats: Record<keyof BtrfsCommitStats, number> = { ...NO_COMMIT_STATS }
  const rows = text.split('\n')
  for (let i = 0; i < rows.length; i++) {
    const row = (rows[i] as string).trim()
    if (row === '') {
      continue
    }
    const parts = row.split(/\s+/)
    const value = parts.length === 2 ? goDecimalUint(parts[1] as string) : 'syntax'
    if (typeof value !== 'number') {
      throw new ParseError(`${file} line ${i + 1}: invalid commit_stats line ${JSON.stringify(row.slice(0, 60))}`)
    }
    const key = COMMIT_KEYS.get(parts[0] as string)
    if (key !== undefined) {
      stats[key] = value
    }
  }
  return stats
}

/**
 * Bytes allocated on disk per byte of data for a block group profile, from the device
 * count: raid5 and raid6 spread parity over n-1 and n-2 data devices (Infinity when
 * there are no more devices than parity stripes, as Go's float division gives), other
 * profiles procfs does not know (raid1c3, raid1c4) are 0.
 */
export function btrfsAllocationRatio(mode: string, devices: number): number {
  switch (mode) {
    case 'single':
    case 'raid0':
      return 1
    case 'dup':
    case 'raid1':
    case 'raid10':
      return 2
    case 'raid5':
      return devices / (devices - 1)
    case 'raid6':
      return devices / (devices - 2)
    default:
      return 0
  }
}
