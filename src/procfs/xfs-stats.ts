import { goDecimalUint } from './go-uint.ts'
import { ParseError } from './parse-error.ts'

/**
 * Parser for an XFS stats file (/sys/fs/xfs/<device>/stats/stats, same format as
 * /proc/fs/xfs/stat): one "label v1 v2 ..." line per statistic group, as procfs'
 * xfs.ParseStats reads it.
 *
 * - A line with fewer than two fields (a bare label, a blank line) is skipped.
 * - Every value must be a decimal uint32 (xpc: uint64), on every line, known or not:
 *   procfs parses all of them before it looks at the label.
 * - The groups procfs decodes into fixed structures must have exactly their field count
 *   (vnodes: 7 or 8, the older kernels lacking "free"). Groups newer procfs releases
 *   added (push_ail, qm, abtb2, ...) are not checked: node_exporter exports none of them,
 *   and a kernel growing one of those lines should not silence the whole collector.
 * - A later line with the same label replaces the earlier one.
 */

/** Accepted field counts of the groups procfs decodes in every release. */
export const XFS_FIELD_COUNTS: ReadonlyMap<string, readonly number[]> = new Map([
  ['extent_alloc', [4]],
  ['abt', [4]],
  ['blk_map', [7]],
  ['bmbt', [4]],
  ['dir', [4]],
  ['trans', [3]],
  ['ig', [7]],
  ['log', [5]],
  ['rw', [2]],
  ['attr', [4]],
  ['icluster', [3]],
  ['vnodes', [7, 8]],
  ['buf', [9]],
  ['xpc', [3]],
])

/** The extended precision counters (xpc) are 64-bit; every other group holds uint32s. */
const WIDE_LINES: ReadonlySet<string> = new Set(['xpc'])

/** Values per stats line label. */
export type XfsStats = ReadonlyMap<string, readonly number[]>

/** Parses one stats file; `file` names it in errors. */
export function parseXfsStats(text: string, file: string): XfsStats {
  const out = new Map<string, number[]>()
  const rows = text.split('\n')
  for (let i = 0; i < rows.length; i++) {
    const fields = (rows[i] as string).trim().split(/\s+/)
    if (fields.length < 2) {
      continue
    }
    const label = fields[0] as string
    const where = () => `${file} line ${i + 1} (${label})`
    const values = fields.slice(1).map((field) => parseCounter(field, WIDE_LINES.has(label), where))
    const counts = XFS_FIELD_COUNTS.get(label)
    if (counts !== undefined && !counts.includes(values.length)) {
      throw new ParseError(`${where()}: ${values.length} values, want ${counts.join(' or ')}`)
    }
    out.set(label, values)
  }
  return out
}

/** strconv.ParseUint(s, 10, 32 or 64): decimal digits only, in range. */
function parseCounter(field: string, wide: boolean, where: () => string): number {
  const value = goDecimalUint(field, wide ? 64 : 32)
  if (typeof value !== 'number') {
    throw new ParseError(`${where()}: ${value === 'syntax' ? 'invalid value' : 'value out of range'} ${JSON.stringify(field.slice(0, 40))}`)
  }
  return value
}
