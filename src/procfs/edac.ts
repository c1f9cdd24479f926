import { goTrimSpace } from './sysfs-value.ts'
import { goDecimalUint } from './go-uint.ts'
import { ParseError } from './parse-error.ts'

/**
 * Name and value rules of /sys/devices/system/edac/mc as node_exporter's
 * collector/edac_linux.go applies them.
 */

/**
 * A count file (ce_count, ch0_ue_count, ...) as node_exporter's readUintFromFile reads it:
 * strings.TrimSpace, then strconv.ParseUint(s, 10, 64). Counts above 2^53 lose precision
 * as node_exporter's float64 does; above 2^64-1 they are out of range and an error.
 */
export function parseEdacCount(text: string, file: string): number {
  const body = goTrimSpace(text)
  const count = goDecimalUint(body)
  if (typeof count !== 'number') {
    throw new ParseError(`invalid count in ${file}: ${JSON.stringify(body.slice(0, 40))}`)
  }
  return count
}

/**
 * The number in an entry name the way node_exporter's glob and regexp take it: `mc[0-9]*`
 * then `mc([0-9]*)` give "12" for mc12 (and for mc12x). Undefined when the glob would
 * not match.
 */
export function edacIndex(name: string, prefix: 'mc' | 'csrow'): string | undefined {
  if (!name.startsWith(prefix) || !/^[0-9]/.test(name.slice(prefix.length))) {
    return undefined
  }
  return /^[0-9]*/.exec(name.slice(prefix.length))?.[0]
}

/**
 * The channel of a per-channel count file: glob `ch*_ce_count`, then the unanchored
 * regexp `ch([0-9]+)_ce_count` on the name. A name the glob takes but the regexp does not
 * (chX_ce_count) is skipped, as upstream does.
 */
export function edacChannel(file: string): string | undefined {
  if (!file.startsWith('ch') || !file.endsWith('_ce_count')) {
    return undefined
  }
  return /ch([0-9]+)_ce_count/.exec(file)?.[1]
}

/**
 * The dimm_label label from a chN_dimm_label file: trimmed, "#" removed and "csrow" and
 * "channel" prefixed with "_" (the kernel's default "mc0csrow1channel0" becomes
 * "mc0_csrow1_channel0"). An unreadable or missing file gives "unknown".
 */
export function edacDimmLabel(text: string | undefined): string {
  if (text === undefined) {
    return 'unknown'
  }
  return goTrimSpace(text).replaceAll('#', '').replaceAll('csrow', '_csrow').replaceAll('channel', '_channel')
}
