import { ParseError } from './parse-error.ts'

/**
 * Flat-keyed cgroup files, "key value" per line: v1/v2 `memory.stat`, v2 `memory.events`,
 * v1 `memory.oom_control`, v1/v2 `cpu.stat`. One pass with indexOf over the text (a
 * `memory.stat` of thousands of lines is one scan, no split into an array of lines).
 *
 * runc (opencontainers/cgroups fscommon.ParseKeyValue) fails the whole file on a bad line;
 * here a line without a space or with a value that is not a decimal unsigned integer is
 * skipped and counted, so one odd line costs that key only. A repeated key keeps its first
 * value. Values above 2^53 keep float precision, as cAdvisor's float64 conversion does.
 */
export interface CgroupKeyed {
  readonly values: ReadonlyMap<string, number>
  /** Lines that were not "key unsigned-integer". */
  readonly skipped: number
}

export function parseCgroupKeyed(text: string): CgroupKeyed {
  const values = new Map<string, number>()
  let skipped = 0
  let start = 0
  const n = text.length
  while (start < n) {
    let end = text.indexOf('\n', start)
    if (end < 0) end = n
    let lineEnd = end
    if (lineEnd > start && text.charCodeAt(lineEnd - 1) === 13 /* \r */) lineEnd--
    if (lineEnd > start) {
      const space = text.indexOf(' ', start)
      if (space < 0 || space >= lineEnd || space === start) {
        skipped++
      } else {
        const key = text.slice(start, space)
        const raw = text.slice(space + 1, lineEnd)
        if (UNSIGNED.test(raw)) {
          if (!values.has(key)) values.set(key, Number(raw))
        } else {
          skipped++
        }
      }
    }
    start = end + 1
  }
  return { values, skipped }
}

const UNSIGNED = /^\d{1,20}$/

/** A value of a keyed file, or a ParseError naming the file and key when it is absent. */
export function requireKey(stat: CgroupKeyed, key: string, file: string): number {
  const v = stat.values.get(key)
  if (v === undefined) {
    throw new ParseError(`${file}: no "${key}" line`)
  }
  return v
}
