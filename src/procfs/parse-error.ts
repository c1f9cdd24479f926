/** A /proc or /sys file did not have the expected shape. The message names the file. */
export class ParseError extends Error {
  override readonly name = 'ParseError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** Splits text into non-empty lines, tolerating CRLF. */
export function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.length > 0)
}

/** Parses a decimal field; values above 2^53 keep float precision, as node_exporter's float64. */
export function num(field: string | undefined, what: string): number {
  if (field === undefined || field === '') {
    throw new ParseError(`missing ${what}`)
  }
  const n = Number(field)
  if (!Number.isFinite(n)) {
    throw new ParseError(`invalid ${what}: ${JSON.stringify(field.slice(0, 40))}`)
  }
  return n
}
