import { parseGoUint } from './go-uint.ts'
import { ParseError } from './parse-error.ts'

/** ATF_COM (include/uapi/linux/if_arp.h): the hardware address is valid. */
export const ATF_COMPLETE = 0x02

/** One row of /proc/net/arp: "IP address  HW type  Flags  HW address  Mask  Device". */
export interface ArpEntry {
  readonly ip: string
  readonly flags: number
  readonly hwAddress: string
  readonly device: string
}

const HEADER_WIDTH = 9
const KERNEL_FLAGS = /^0x[0-9a-f]{1,2}$/
const DATA_WIDTH = 6

/**
 * Parses /proc/net/arp as procfs' GatherARPEntries: a 9-column line (the header) and blank
 * lines are skipped, every 6-column line is an entry, whatever its flags (incomplete
 * entries, all-zero address and flags 0x0, included), and any other width is an error, as
 * are flags that are not an 8-bit Go integer and a hardware address net.ParseMAC rejects.
 * The IP, HW type and Mask columns are not checked.
 */
export function parseArp(text: string, file: string): ArpEntry[] {
  const entries: ArpEntry[] = []
  text.split('\n').forEach((line, i) => {
    const columns = fields(line)
    if (columns.length === 0 || columns.length === HEADER_WIDTH) {
      return
    }
    if (columns.length !== DATA_WIDTH) {
      throw new ParseError(`${file} line ${i + 1}: ${columns.length} columns found, expected ${DATA_WIDTH}`)
    }
    const [ip, , flags, hwAddress, , device] = columns as [string, string, string, string, string, string]
    if (!isGoMac(hwAddress)) {
      throw new ParseError(`${file} line ${i + 1}: invalid HW address ${JSON.stringify(hwAddress.slice(0, 60))}`)
    }
    // The kernel prints "0x%x" of a byte: read that directly, anything else as Go would.
    const flag = KERNEL_FLAGS.test(flags) ? Number.parseInt(flags, 16) : Number(parseGoUint(flags, 0, 8, `${file} line ${i + 1} flags`))
    entries.push({ ip, flags: flag, hwAddress, device })
  })
  return entries
}

/** Entries per device, in order of first appearance (node_arp_entries). */
export function arpEntriesByDevice(entries: readonly ArpEntry[]): Map<string, number> {
  const counts = new Map<string, number>()
  for (const { device } of entries) {
    counts.set(device, (counts.get(device) ?? 0) + 1)
  }
  return counts
}

/** strings.Fields: whitespace-separated tokens (CR included, so CRLF lines parse). */
function fields(line: string): string[] {
  const trimmed = line.trim()
  return trimmed === '' ? [] : trimmed.split(/\s+/)
}

/**
 * net.ParseMAC's acceptance: 6, 8 or 20 bytes written as two-digit hex groups joined by one
 * separator, ':' or '-' throughout, or as four-digit groups joined by '.'.
 */
function isGoMac(s: string): boolean {
  const colon = /^[0-9a-fA-F]{2}(?:([:-])[0-9a-fA-F]{2})+$/.exec(s)
  if (colon) {
    const sep = colon[1] as string
    const groups = s.split(sep)
    return groups.length * 3 - 1 === s.length && [6, 8, 20].includes(groups.length)
  }
  if (/^[0-9a-fA-F]{4}(?:\.[0-9a-fA-F]{4})+$/.test(s)) {
    return [3, 4, 10].includes(s.split('.').length)
  }
  return false
}
