import { parseSysfsUint64 } from './sysfs-uint64.ts'

/** Values of /sys/class/fc_host/<host>/, with the rules of procfs' class_fibrechannel.go. */
const UINT64_MAX = 2n ** 64n - 1n

/**
 * An fc_host statistics counter (the kernel prints them as 0x hex) as a float64, or
 * undefined for 0xffffffffffffffff: the value HBA firmware reports for a counter it does
 * not implement (node_exporter skips it).
 */
export function parseFcCounter(text: string, what: string): number | undefined {
  const value = parseSysfsUint64(text, what)
  return value === UINT64_MAX ? undefined : Number(value)
}

/**
 * port_id, port_name, node_name and fabric_name without their "0x" prefix
 * ("0x000002" -> "000002", "0x0" -> "0"), as procfs. Trimmed as SysReadFile does.
 */
export function fcHexAttribute(text: string): string {
  const value = text.trim()
  return value.length > 2 && /^0[xX]/.test(value) ? value.slice(2) : value
}
