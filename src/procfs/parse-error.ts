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

/**
 * The text after `key:` on the first line that starts with it ("Key:\tvalue" files such as
 * /proc/PID/status), untrimmed; undefined when no line does. A few native indexOf calls
 * instead of splitting every line: callers want 5-7 of a file's ~55 lines, once per process
 * per tick, in code that runs too rarely to leave the interpreter.
 */
export function lineValue(text: string, key: string): string | undefined {
  let start: number
  if (text.startsWith(key) && text.charCodeAt(key.length) === 58 /* : */) {
    start = key.length + 1
  } else {
    const at = text.indexOf(`\n${key}:`)
    if (at < 0) {
      return undefined
    }
    start = at + key.length + 2
  }
  const end = text.indexOf('\n', start)
  return text.slice(start, end < 0 ? text.length : end)
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
