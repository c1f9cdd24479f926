import { lines } from './parse-error.ts'

/** One /proc/<pid>/mountinfo line (proc(5)), the fields the filesystem collector uses. */
export interface MountInfo {
  readonly major: number
  readonly minor: number
  readonly root: string
  /** As node_exporter reports it: `\040` and `\011` unescaped, other escapes kept. */
  readonly mountPoint: string
  readonly options: readonly string[]
  readonly fsType: string
  readonly source: string
  readonly superOptions: readonly string[]
}

/**
 * Parses mountinfo:
 * `36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue`.
 * Optional fields run until the lone `-`; three fields follow it. A line without the
 * separator, without major:minor, or truncated is skipped (the rest still parse).
 */
export function parseMountInfo(text: string): MountInfo[] {
  const out: MountInfo[] = []
  for (const line of lines(text)) {
    const parts = line.trim().split(' ')
    if (parts.length < 10) {
      continue
    }
    const dev = /^(\d+):(\d+)$/.exec(parts[2] ?? '')
    const sep = parts.indexOf('-', 6)
    if (!dev || sep === -1 || parts.length < sep + 4) {
      continue
    }
    out.push({
      major: Number(dev[1]),
      minor: Number(dev[2]),
      root: parts[3] as string,
      mountPoint: (parts[4] as string).replaceAll('\\040', ' ').replaceAll('\\011', '\t'),
      options: (parts[5] as string).split(','),
      fsType: parts[sep + 1] as string,
      source: parts[sep + 2] as string,
      superOptions: (parts[sep + 3] as string).split(','),
    })
  }
  return out
}
