import { ParseError } from './parse-error.ts'

/**
 * Parsers for the SPL kstat files under /proc/spl/kstat/zfs (OpenZFS on Linux), with
 * node_exporter's acceptance rules (collector/zfs_linux.go). Each file is read in one pass
 * over its lines with a hand-written field splitter: arcstats alone has 100+ rows and the
 * zfs collector runs every scrape.
 */

/** KSTAT_DATA_* type codes (lib/libspl/include/sys/kstat.h) as the type column prints them. */
export const KSTAT_DATA_INT64 = '3'
export const KSTAT_DATA_UINT64 = '4'
export const KSTAT_DATA_STRING = '7'

/** The numeric types node_exporter exports from the subsystem files (arcstats, zil, ...). */
export const KSTAT_INTEGER_TYPES: readonly string[] = [KSTAT_DATA_INT64, KSTAT_DATA_UINT64]

export interface KstatNamed {
  /** Rows of the requested numeric types, in file order: [kstat name, value]. */
  readonly values: readonly (readonly [string, number])[]
  /** KSTAT_DATA_STRING rows: name -> the text from the data column to the end of the line. */
  readonly strings: ReadonlyMap<string, string>
}

/**
 * Parses a KSTAT_TYPE_NAMED file: a raw header line, then "name type data", then one
 * "<name> <type> <data>" row per statistic. Rows before the header, rows with fewer than
 * three fields and rows of types not in `types` (other than strings) are skipped, as
 * node_exporter does; extra fields after the data are ignored. A file without the header,
 * or an integer that is not one of its type (KSTAT_DATA_UINT64: ParseUint, KSTAT_DATA_INT64:
 * ParseInt, both 64-bit), is a ParseError naming the file and line. Values beyond 2^53 keep
 * float64 precision, as node_exporter's float64(value).
 */
export function parseKstatNamed(text: string, file: string, types: readonly string[] = KSTAT_INTEGER_TYPES): KstatNamed {
  const values: [string, number][] = []
  const strings = new Map<string, string>()
  const parts: string[] = []
  const starts: number[] = []
  let header = false
  let lineNo = 0
  for (let pos = 0; pos < text.length; ) {
    const end = lineEnd(text, pos)
    const line = lineAt(text, pos, end)
    pos = end + 1
    lineNo++
    // Four fields at most: enough to tell "exactly three" for the header row.
    const count = splitFields(line, 4, parts, starts)
    if (!header) {
      header = count === 3 && parts[0] === 'name' && parts[1] === 'type' && parts[2] === 'data'
      continue
    }
    if (count < 3) {
      continue
    }
    const name = parts[0] as string
    const type = parts[1] as string
    if (type === KSTAT_DATA_STRING) {
      strings.set(name, line.slice(starts[2]))
    } else if (types.includes(type)) {
      const value = parseInteger(parts[2] as string, type === KSTAT_DATA_INT64)
      if (value === undefined) {
        const kind = type === KSTAT_DATA_INT64 ? 'signed' : 'unsigned'
        throw new ParseError(`${file} line ${lineNo}: invalid ${kind} 64-bit integer for ${name}: ${JSON.stringify((parts[2] as string).slice(0, 40))}`)
      }
      values.push([name, value])
    }
  }
  if (!header) {
    throw new ParseError(`${file}: no "name type data" header`)
  }
  return { values, strings }
}

/**
 * Parses a pool's KSTAT_TYPE_IO file (<pool>/io): a raw header line, a row of at least 12
 * field names starting with "nread", and a row of unsigned values. Returns [field, value] in
 * header order. No field-name row means no values (node_exporter's tolerance); rows after the
 * first value row are ignored, since node_exporter's duplicates would be dropped at scrape.
 * A value row shorter than the names (node_exporter panics) or a value that is not an
 * unsigned 64-bit integer is a ParseError.
 */
export function parseKstatIo(text: string, file: string): [string, number][] {
  const names: string[] = []
  const values: string[] = []
  const starts: number[] = []
  let lineNo = 0
  for (let pos = 0; pos < text.length; ) {
    const end = lineEnd(text, pos)
    const line = lineAt(text, pos, end)
    pos = end + 1
    lineNo++
    if (names.length === 0) {
      if (splitFields(line, Number.POSITIVE_INFINITY, values, starts) >= 12 && values[0] === 'nread') {
        names.push(...values)
      }
      continue
    }
    const count = splitFields(line, names.length, values, starts)
    if (count === 0) {
      continue
    }
    if (count < names.length) {
      throw new ParseError(`${file} line ${lineNo}: ${count} values for ${names.length} fields`)
    }
    return names.map((name, i) => {
      const value = parseInteger(values[i] as string, false)
      if (value === undefined) {
        throw new ParseError(`${file} line ${lineNo}: invalid unsigned 64-bit integer for ${name}: ${JSON.stringify((values[i] as string).slice(0, 40))}`)
      }
      return [name, value]
    })
  }
  return []
}

/** A pool's state file (<pool>/state, "ONLINE\n"): its first line in lower case, '' when empty. */
export function parseZpoolState(text: string): string {
  return lineAt(text, 0, lineEnd(text, 0)).toLowerCase()
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from)
  return nl < 0 ? text.length : nl
}

/** The line in text[from, end), without the trailing '\r' that bufio.ScanLines drops. */
function lineAt(text: string, from: number, end: number): string {
  return text.charCodeAt(end - 1) === 13 && end > from ? text.slice(from, end - 1) : text.slice(from, end)
}

/**
 * Go's strings.Fields, stopping after `max` fields: fills `out` (and each field's offset in
 * `starts`) and returns how many it found. The arrays are reused between lines.
 */
function splitFields(line: string, max: number, out: string[], starts: number[]): number {
  let count = 0
  let i = 0
  while (i < line.length && count < max) {
    while (i < line.length && isSpace(line.charCodeAt(i))) i++
    if (i === line.length) break
    const start = i
    while (i < line.length && !isSpace(line.charCodeAt(i))) i++
    out[count] = line.slice(start, i)
    starts[count] = start
    count++
  }
  out.length = count
  starts.length = count
  return count
}

/** unicode.IsSpace, which strings.Fields splits on. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d)
  if (c < 0x85) return false
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000
}

const UINT64_MAX = 0xffff_ffff_ffff_ffffn
const INT64_MIN = -(1n << 63n)
const INT64_MAX = (1n << 63n) - 1n

/**
 * strconv.ParseUint(s, 10, 64) (or ParseInt with `signed`) as a float64, undefined when Go
 * rejects it: decimal digits only (a sign for ParseInt), within the 64-bit range.
 */
function parseInteger(s: string, signed: boolean): number | undefined {
  const first = s.charCodeAt(0)
  const digitsFrom = signed && (first === 43 /* + */ || first === 45) /* - */ ? 1 : 0
  if (s.length === digitsFrom) return undefined
  for (let i = digitsFrom; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 48 || c > 57) return undefined
  }
  // 19 digits reach 2^63; shorter numbers are in range of both types.
  if (s.length - digitsFrom >= 19) {
    const big = BigInt(s)
    if (signed ? big < INT64_MIN || big > INT64_MAX : big > UINT64_MAX) return undefined
  }
  return Number(s) + 0 // + 0 turns "-0" into 0, as float64(int64(0))
}
