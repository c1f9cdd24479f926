import { parseTimestamp } from './timestamp.ts'

/** A parsed timestamp,value file; text is kept as read so the output echoes it exactly. */
export interface SeriesRows {
  readonly timestampText: string[]
  readonly valueText: string[]
  readonly times: Float64Array
  readonly values: Float64Array
}

/** A row that cannot be scored; `line` is 1-based in the file as read. */
export class SeriesDataError extends Error {
  override readonly name = 'SeriesDataError'
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`)
  }
}

const HEADER_VALUE = /^[A-Za-z_][\w .-]*$/

function unquote(field: string): string {
  const f = field.trim()
  return f.length >= 2 && f.startsWith('"') && f.endsWith('"') ? f.slice(1, -1).trim() : f
}

/**
 * Parses `timestamp,value` rows. A UTF-8 BOM, CRLF and blank lines are accepted; the first
 * non-blank line is a header when its value field is a name (`value`); extra columns are
 * ignored. Timestamps may repeat or step back (real exports do, e.g. NAB's machine
 * temperature file around a clock change); rows are scored in file order.
 */
export function parseSeriesCsv(text: string): SeriesRows {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const timestampText: string[] = []
  const valueText: string[] = []
  const times: number[] = []
  const values: number[] = []
  let lineNo = 0
  let start = 0
  let sawFirst = false
  while (start <= src.length) {
    let end = src.indexOf('\n', start)
    if (end < 0) end = src.length
    lineNo++
    let line = src.slice(start, end)
    start = end + 1
    if (line.endsWith('\r')) line = line.slice(0, -1)
    if (line.trim() === '') {
      if (end === src.length) break
      continue
    }
    const comma = line.indexOf(',')
    if (comma < 0) throw new SeriesDataError(lineNo, 'expected timestamp,value (no comma)')
    const next = line.indexOf(',', comma + 1)
    const tText = unquote(line.slice(0, comma))
    const vText = unquote(line.slice(comma + 1, next < 0 ? undefined : next))
    if (!sawFirst) {
      sawFirst = true
      if (HEADER_VALUE.test(vText) && !/^(nan|inf|infinity)$/i.test(vText)) continue
    }
    const t = parseTimestamp(tText)
    if (Number.isNaN(t)) throw new SeriesDataError(lineNo, `bad timestamp ${JSON.stringify(tText)}`)
    const v = vText === '' ? NaN : Number(vText)
    if (!Number.isFinite(v)) throw new SeriesDataError(lineNo, `value ${JSON.stringify(vText)} is not a finite number`)
    timestampText.push(tText)
    valueText.push(vText)
    times.push(t)
    values.push(v)
    if (end === src.length) break
  }
  return { timestampText, valueText, times: Float64Array.from(times), values: Float64Array.from(values) }
}

/** Formats a score in [0, 1] with six decimals, trailing zeros kept off. */
export function formatScore(score: number): string {
  if (score <= 0) return '0'
  if (score >= 1) return '1'
  return String(Math.round(score * 1e6) / 1e6)
}

export function formatScoredCsv(rows: SeriesRows, scores: Float64Array): string {
  const out: string[] = ['timestamp,value,anomaly_score']
  for (let i = 0; i < scores.length; i++) {
    out.push(`${rows.timestampText[i]},${rows.valueText[i]},${formatScore(scores[i]!)}`)
  }
  return `${out.join('\n')}\n`
}
