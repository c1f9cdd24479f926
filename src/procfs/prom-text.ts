import { ParseError } from './parse-error.ts'
import { parseGoFloat } from './sysfs-value.ts'

/**
 * A parser for the Prometheus text exposition format (version 0.0.4), with the
 * acceptance rules of Go's expfmt.TextParser that node_exporter's textfile collector uses.
 * No maintained npm package parses this format strictly (parse-prometheus-text-format
 * accepts malformed lines and drops timestamps silently), hence this one.
 */

export type TextMetricType = 'counter' | 'gauge' | 'untyped' | 'summary' | 'histogram'

export interface TextSample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
  readonly timestampMs?: number
}

export interface TextFamily {
  readonly name: string
  /** Undefined when the file has no HELP line (or an empty one) for the family. */
  readonly help?: string
  readonly type: TextMetricType
  readonly samples: readonly TextSample[]
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'untyped', 'summary', 'histogram'])

interface Building {
  name: string
  help?: string
  type?: TextMetricType
  samples: TextSample[]
}

function fail(lineNo: number, message: string): never {
  throw new ParseError(`text format parsing error in line ${lineNo}: ${message}`)
}

/** Unescapes a HELP docstring: only \\ and \n are escapes. */
function unescapeHelp(text: string, lineNo: number): string {
  return text.replace(/\\(.?)/g, (_m, c: string) => {
    if (c === '\\') {
      return '\\'
    }
    if (c === 'n') {
      return '\n'
    }
    return fail(lineNo, `invalid escape sequence '\\${c}' in HELP`)
  })
}

/** Parses `{a="b",c="d"}` starting at `pos` (the '{'); returns labels and the index after '}'. */
function parseLabels(line: string, pos: number, lineNo: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {}
  let i = pos + 1
  const skip = () => {
    while (line[i] === ' ' || line[i] === '\t') {
      i++
    }
  }
  for (;;) {
    skip()
    if (line[i] === '}') {
      return [labels, i + 1]
    }
    const name = LABEL_NAME.exec(line.slice(i))?.[0]
    if (!name) {
      fail(lineNo, `invalid label name at ${JSON.stringify(line.slice(i, i + 20))}`)
    }
    if (name === '__name__') {
      fail(lineNo, 'label name "__name__" is reserved')
    }
    if (name in labels) {
      fail(lineNo, `duplicate label name "${name}"`)
    }
    i += name.length
    skip()
    if (line[i] !== '=') {
      fail(lineNo, `expected '=' after label name "${name}"`)
    }
    i++
    skip()
    if (line[i] !== '"') {
      fail(lineNo, `expected '"' to start the value of label "${name}"`)
    }
    i++
    let value = ''
    for (;;) {
      const c = line[i]
      if (c === undefined) {
        fail(lineNo, `unterminated value of label "${name}"`)
      }
      if (c === '"') {
        i++
        break
      }
      if (c === '\\') {
        const e = line[i + 1]
        if (e === '\\' || e === '"') {
          value += e
        } else if (e === 'n') {
          value += '\n'
        } else {
          fail(lineNo, `invalid escape sequence '\\${e ?? ''}' in label value`)
        }
        i += 2
        continue
      }
      value += c
      i++
    }
    labels[name] = value
    skip()
    if (line[i] === ',') {
      i++
    } else if (line[i] !== '}') {
      fail(lineNo, `expected ',' or '}' after the value of label "${name}"`)
    }
  }
}

/** The family a sample name belongs to: X_sum/X_count/X_bucket join a declared summary/histogram X. */
function familyNameOf(name: string, families: ReadonlyMap<string, Building>): string {
  for (const [suffix, types] of [
    ['_bucket', ['histogram']],
    ['_sum', ['summary', 'histogram']],
    ['_count', ['summary', 'histogram']],
  ] as const) {
    if (name.endsWith(suffix)) {
      const base = families.get(name.slice(0, -suffix.length))
      if (base?.type !== undefined && (types as readonly string[]).includes(base.type)) {
        return base.name
      }
    }
  }
  return name
}

/** Histogram buckets need a float `le`, summary quantiles a float `quantile`, as in expfmt. */
function checkStructure(family: Building, name: string, labels: Record<string, string>, lineNo: number): void {
  const need = (label: string) => {
    const v = labels[label]
    if (v === undefined) {
      fail(lineNo, `${family.type} sample "${name}" without "${label}" label`)
    }
    try {
      parseGoFloat(v, label)
    } catch {
      fail(lineNo, `expected a float as value of "${label}" label, got ${JSON.stringify(v.slice(0, 20))}`)
    }
  }
  if (family.type === 'histogram') {
    if (name === family.name) {
      fail(lineNo, `histogram sample "${name}" without _bucket, _sum or _count suffix`)
    }
    if (name === `${family.name}_bucket`) {
      need('le')
    }
  } else if (family.type === 'summary' && name === family.name) {
    need('quantile')
  }
}

/** Parses exposition text into families in first-seen order; throws ParseError naming the line. */
export function parsePromText(text: string): TextFamily[] {
  const families = new Map<string, Building>()
  const get = (name: string) => {
    let f = families.get(name)
    if (!f) {
      f = { name, samples: [] }
      families.set(name, f)
    }
    return f
  }
  const rows = text.split('\n')
  rows.forEach((raw, index) => {
    const lineNo = index + 1
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    const trimmed = line.replace(/^[ \t]+/, '')
    if (trimmed === '') {
      return
    }
    if (trimmed.startsWith('#')) {
      const m = /^#[ \t]*(HELP|TYPE)(?:[ \t]+(.*))?$/.exec(trimmed)
      if (!m) {
        return
      }
      const rest = m[2] ?? ''
      const name = METRIC_NAME.exec(rest)?.[0]
      if (!name || (rest.length > name.length && !/^[ \t]/.test(rest.slice(name.length)))) {
        fail(lineNo, `invalid metric name in ${m[1]} line`)
      }
      const body = rest.slice(name.length).replace(/^[ \t]+/, '')
      const f = get(name)
      if (m[1] === 'HELP') {
        if (f.help !== undefined) {
          fail(lineNo, `second HELP line for metric name "${name}"`)
        }
        f.help = unescapeHelp(body, lineNo)
      } else {
        const type = body.trim().toLowerCase()
        if (!TYPES.has(type)) {
          fail(lineNo, `unknown metric type "${body.trim()}"`)
        }
        if (f.type !== undefined || f.samples.length > 0) {
          fail(lineNo, `second TYPE line for metric name "${name}", or TYPE reported after samples`)
        }
        f.type = type as TextMetricType
      }
      return
    }
    const name = METRIC_NAME.exec(trimmed)?.[0]
    if (!name) {
      fail(lineNo, `invalid metric name at ${JSON.stringify(trimmed.slice(0, 20))}`)
    }
    let pos = name.length
    let labels: Record<string, string> = {}
    if (trimmed[pos] === '{') {
      ;[labels, pos] = parseLabels(trimmed, pos, lineNo)
    }
    const tokens = trimmed
      .slice(pos)
      .trim()
      .split(/[ \t]+/)
    if (!/^[ \t]/.test(trimmed.slice(pos)) || tokens[0] === '' || tokens.length > 2) {
      fail(lineNo, `expected a value (and optional timestamp) after "${name}"`)
    }
    let value: number
    try {
      value = parseGoFloat(tokens[0] as string, `value of ${name}`)
    } catch (err) {
      fail(lineNo, (err as Error).message)
      return
    }
    let timestampMs: number | undefined
    if (tokens[1] !== undefined) {
      if (!/^-?\d+$/.test(tokens[1])) {
        fail(lineNo, `invalid timestamp ${JSON.stringify(tokens[1].slice(0, 20))}`)
      }
      timestampMs = Number(tokens[1])
    }
    const family = get(familyNameOf(name, families))
    family.type ??= 'untyped'
    checkStructure(family, name, labels, lineNo)
    family.samples.push(timestampMs === undefined ? { name, labels, value } : { name, labels, value, timestampMs })
  })
  const out: TextFamily[] = []
  for (const f of families.values()) {
    if (f.samples.length > 0) {
      out.push({ name: f.name, type: f.type ?? 'untyped', samples: f.samples, ...(f.help ? { help: f.help } : {}) })
    }
  }
  return out
}
