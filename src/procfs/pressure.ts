import { ParseError, lines } from './parse-error.ts'
import { parseGoFloat, parseUnsigned } from './sysfs-value.ts'

export interface PressureLine {
  readonly avg10: number
  readonly avg60: number
  readonly avg300: number
  /** Cumulative stall time in microseconds. */
  readonly totalMicroseconds: number
}

export interface Pressure {
  readonly some?: PressureLine
  readonly full?: PressureLine
}

/**
 * Parses /proc/pressure/{cpu,io,memory,irq}:
 * "some avg10=0.00 avg60=0.00 avg300=0.00 total=14036781". Unknown line kinds are skipped.
 */
export function parsePressure(text: string, file: string): Pressure {
  const out: { some?: PressureLine; full?: PressureLine } = {}
  for (const row of lines(text)) {
    const [kind, ...pairs] = row.trim().split(/\s+/)
    if (kind !== 'some' && kind !== 'full') {
      continue
    }
    const kv = new Map<string, string>()
    for (const pair of pairs) {
      const eq = pair.indexOf('=')
      if (eq <= 0) {
        throw new ParseError(`${file}: malformed field ${JSON.stringify(pair.slice(0, 40))}`)
      }
      kv.set(pair.slice(0, eq), pair.slice(eq + 1))
    }
    const need = (key: string) => {
      const v = kv.get(key)
      if (v === undefined) {
        throw new ParseError(`${file}: "${kind}" line lacks ${key}`)
      }
      return v
    }
    out[kind] = {
      avg10: parseGoFloat(need('avg10'), `${file} avg10`),
      avg60: parseGoFloat(need('avg60'), `${file} avg60`),
      avg300: parseGoFloat(need('avg300'), `${file} avg300`),
      totalMicroseconds: parseUnsigned(need('total'), `${file} total`),
    }
  }
  return out
}
