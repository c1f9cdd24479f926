import { parseGoInt } from './go-uint.ts'

/** Numeric attributes of /sys/class/watchdog/<name>/, as procfs' WatchdogStats. */
export const WATCHDOG_NUMBERS = ['bootstatus', 'fw_version', 'nowayout', 'timeleft', 'timeout', 'pretimeout', 'access_cs0'] as const
/** Text attributes, exported as labels of node_watchdog_info. */
export const WATCHDOG_STRINGS = ['options', 'identity', 'state', 'status', 'pretimeout_governor'] as const

export type WatchdogNumber = (typeof WATCHDOG_NUMBERS)[number]
export type WatchdogString = (typeof WATCHDOG_STRINGS)[number]

/** One watchdog device; an attribute the device lacks is absent. */
export interface WatchdogStats {
  readonly name: string
  readonly numbers: ReadonlyMap<WatchdogNumber, number>
  readonly strings: ReadonlyMap<WatchdogString, string>
}

/**
 * A sysfs attribute as procfs' SysReadFile returns it: one read of at most 128 bytes,
 * surrounding whitespace removed. The files here are ASCII, so characters stand for bytes.
 */
export function sysReadValue(text: string): string {
  return text.slice(0, 128).trim()
}

/**
 * Builds a device's stats from the raw contents of the attribute files it has (file name
 * -> text). As procfs, a numeric attribute that does not parse fails the whole device
 * (ParseError naming `dir`/file); unknown files are ignored.
 */
export function parseWatchdog(name: string, dir: string, files: ReadonlyMap<string, string>): WatchdogStats {
  const numbers = new Map<WatchdogNumber, number>()
  const strings = new Map<WatchdogString, string>()
  for (const key of WATCHDOG_NUMBERS) {
    const text = files.get(key)
    if (text !== undefined) {
      numbers.set(key, parseGoInt(sysReadValue(text), `${dir}/${key}`))
    }
  }
  for (const key of WATCHDOG_STRINGS) {
    const text = files.get(key)
    if (text !== undefined) {
      strings.set(key, sysReadValue(text))
    }
  }
  return { name, numbers, strings }
}
