import { ParseError } from './parse-error.ts'
import { parseDecimal } from './sysfs-value.ts'

/** One array of /proc/mdstat, with the counts node_exporter (prometheus/procfs MDStat) derives. */
export interface MdArray {
  readonly name: string
  /**
   * The word after "md0 :" ("active", "inactive"), replaced while a sync line is present by
   * "recovering", "reshaping", "checking" or "resyncing" (in that precedence).
   */
  readonly activityState: string
  /** Active disks: the second number of "[n/m]"; all bracketed disks for raid0/linear; 0 when inactive. */
  readonly disksActive: number
  /** Disks the array needs: the first number of "[n/m]"; as disksActive for raid0/linear; 0 when inactive. */
  readonly disksTotal: number
  /** Member disks marked (F) on the device line. */
  readonly disksFailed: number
  /** Member disks marked (S) on the device line. */
  readonly disksSpare: number
  /** "_" slots in "[UU_]". */
  readonly disksDown: number
  /** The status line's "N blocks" (1 KiB units). */
  readonly blocksTotal: number
  /** Blocks synced so far: "(a/b)" of the sync line, 0 while resync is PENDING/DELAYED/REMOTE, else blocksTotal. */
  readonly blocksSynced: number
  /** "b" of the sync line's "(a/b)", else blocksTotal. */
  readonly blocksToBeSynced: number
}

const STATUS_LINE = /(\d+) blocks .*\[(\d+)\/(\d+)\] \[([U_]+)\]/
const SYNC_BLOCKS = /\((\d+)\/(\d+)\)/
/** Sync lines without progress: "\tresync=PENDING", "\tresync=DELAYED", "\tresync=REMOTE" (md-cluster). */
const SYNC_WAITING = /PENDING|DELAYED|REMOTE/

function count(text: string, needle: string): number {
  return text.split(needle).length - 1
}

function fields(line: string): string[] {
  const t = line.trim()
  return t === '' ? [] : t.split(/\s+/)
}

function isDeviceLine(line: string): boolean {
  return line.trim() !== '' && line[0] !== ' ' && line[0] !== '\t' && !line.startsWith('Personalities') && !line.startsWith('unused')
}

/**
 * Parses /proc/mdstat the way prometheus/procfs does for node_exporter's mdadm collector:
 *
 *   md6 : active raid1 sdb2[2](F) sdc[1](S) sda2[0]
 *         195310144 blocks [2/1] [U_]
 *         [=>...................]  recovery =  8.5% (16775552/195310144) finish=17.0min speed=259783K/sec
 *
 * The line after the device line is the status line; the one after that (or after a
 * "bitmap:" line) may be a sync line. Where procfs fails the whole file, this parser is
 * more forgiving in three ways: an array needs no lines after its status line; a blank
 * or missing status line is 0 blocks for an inactive, raid0 or linear array (the kernel
 * prints no size for an array without members); and a sync line needs only its "(a/b)"
 * progress (procfs also insists on the percentage, finish and speed, which no metric
 * uses), "resync=REMOTE" (md-cluster) counting as waiting like PENDING and DELAYED.
 */
export function parseMdstat(text: string, file: string): MdArray[] {
  const rows = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l))
  const arrays: MdArray[] = []
  rows.forEach((line, i) => {
    if (!isDeviceLine(line)) {
      return
    }
    const device = fields(line)
    if (device.length < 3) {
      throw new ParseError(`${file} line ${i + 1}: expected "mdN : state ...", got ${JSON.stringify(line.slice(0, 80))}`)
    }
    const name = device[0] as string
    // An array without members (being assembled, or stopped) has a blank status line.
    const statusLine = rows[i + 1] ?? ''
    const size = fields(statusLine)[0]
    const blocksTotal = size === undefined ? 0 : parseDecimal(size, `${file} line ${i + 2} (${name} size)`)

    let disksActive = 0
    let disksTotal = 0
    let disksDown = 0
    if (line.includes('raid0') || line.includes('linear')) {
      // No "[n/m]" for these: every member carries its "[index]" on the device line.
      disksTotal = disksActive = count(line, '[')
    } else if (!line.includes('inactive')) {
      const m = STATUS_LINE.exec(statusLine)
      if (!m) {
        throw new ParseError(`${file} line ${i + 2}: ${name} status line lacks "N blocks ... [n/m] [U_]": ${JSON.stringify(statusLine.trim().slice(0, 80))}`)
      }
      disksTotal = Number(m[2])
      disksActive = Number(m[3])
      disksDown = count(m[4] as string, '_')
    }

    const syncIndex = (rows[i + 2] ?? '').includes('bitmap') ? i + 3 : i + 2
    // The next array's device line is never a sync line (its name could contain "check").
    const syncRow = rows[syncIndex] ?? ''
    const syncLine = isDeviceLine(syncRow) ? '' : syncRow
    let activityState = device[2] as string
    let blocksSynced = blocksTotal
    let blocksToBeSynced = blocksTotal
    const recovering = syncLine.includes('recovery')
    const reshaping = syncLine.includes('reshape')
    const checking = syncLine.includes('check')
    const resyncing = syncLine.includes('resync')
    if (recovering || reshaping || checking || resyncing) {
      activityState = recovering ? 'recovering' : reshaping ? 'reshaping' : checking ? 'checking' : 'resyncing'
      if (SYNC_WAITING.test(syncLine)) {
        blocksSynced = 0
      } else {
        const m = SYNC_BLOCKS.exec(syncLine)
        if (!m) {
          throw new ParseError(`${file} line ${syncIndex + 1}: ${name} sync line lacks "(done/total)": ${JSON.stringify(syncLine.trim().slice(0, 80))}`)
        }
        blocksSynced = Number(m[1])
        blocksToBeSynced = Number(m[2])
      }
    }

    arrays.push({
      name,
      activityState,
      disksActive,
      disksTotal,
      disksFailed: count(line, '(F)'),
      disksSpare: count(line, '(S)'),
      disksDown,
      blocksTotal,
      blocksSynced,
      blocksToBeSynced,
    })
  })
  return arrays
}

/** md levels whose /sys/block/mdN/md has a "degraded" attribute (procfs reads it only for these). */
export const MD_REDUNDANT_LEVELS: ReadonlySet<string> = new Set(['raid1', 'raid4', 'raid5', 'raid6', 'raid10'])
