import { goTrimSpace } from './sysfs-value.ts'

/**
 * Value rules of /sys/class/dmi/id attributes as prometheus/procfs (sysfs/class_dmi.go)
 * and node_exporter (collector/dmi.go) apply them.
 */

/** procfs' SysReadFile reads one buffer of this many bytes: longer attributes are cut. */
export const SYS_READ_FILE_BYTES = 128

/**
 * A DMI attribute as node_exporter exports it: the first 128 bytes of the file
 * (procfs' SysReadFile), surrounding whitespace removed, kept even when empty.
 *
 * node_exporter then replaces each run of invalid UTF-8 bytes with one U+FFFD
 * (strings.ToValidUTF8). `text` arrives already decoded, with one U+FFFD per maximal
 * invalid subsequence (the WHATWG rule), so a run of several stray bytes can yield several
 * U+FFFD where node_exporter shows one; valid text, a genuine U+FFFD included, is
 * unchanged. A cut through a multi-byte character leaves one U+FFFD, as in Go.
 */
export function dmiValue(text: string): string {
  const bytes = new TextEncoder().encode(text)
  const head = bytes.length > SYS_READ_FILE_BYTES ? new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, SYS_READ_FILE_BYTES)) : text
  return goTrimSpace(head)
}

/**
 * node_dmi_info's labels and the files they come from, in label order. chassis_type is
 * read by procfs but not exported; modalias and uevent are not read at all.
 *
 * The serials and product_uuid are mode 0400 on a real host: node_exporter exports them
 * when it runs as root and omits them otherwise (EACCES), and so does this agent.
 */
export const DMI_LABELS: readonly (readonly [label: string, file: string])[] = [
  ['bios_date', 'bios_date'],
  ['bios_release', 'bios_release'],
  ['bios_vendor', 'bios_vendor'],
  ['bios_version', 'bios_version'],
  ['board_asset_tag', 'board_asset_tag'],
  ['board_name', 'board_name'],
  ['board_serial', 'board_serial'],
  ['board_vendor', 'board_vendor'],
  ['board_version', 'board_version'],
  ['chassis_asset_tag', 'chassis_asset_tag'],
  ['chassis_serial', 'chassis_serial'],
  ['chassis_vendor', 'chassis_vendor'],
  ['chassis_version', 'chassis_version'],
  ['product_family', 'product_family'],
  ['product_name', 'product_name'],
  ['product_serial', 'product_serial'],
  ['product_sku', 'product_sku'],
  ['product_uuid', 'product_uuid'],
  ['product_version', 'product_version'],
  ['system_vendor', 'sys_vendor'],
]
