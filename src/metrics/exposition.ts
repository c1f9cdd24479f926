import type { Labels, MetricFamily } from './types.ts'

/** The Prometheus text format, version 0.0.4 (what node_exporter and prom-client serve). */
export const EXPOSITION_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** HELP text escapes backslash and newline; a label value also the double quote. */
const HELP_SPECIAL = /[\\\n]/
const LABEL_SPECIAL = /[\\\n"]/

function escapeHelp(s: string): string {
  return HELP_SPECIAL.test(s) ? s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n') : s
}

function escapeLabelValue(s: string): string {
  return LABEL_SPECIAL.test(s) ? escapeHelp(s).replace(/"/g, '\\"') : s
}

function formatLabels(labels: Labels): string {
  let out = ''
  for (const name in labels) {
    out += `${out ? ',' : '{'}${name}="${escapeLabelValue(labels[name] as string)}"`
  }
  return out ? `${out}}` : out
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) {
    return 'NaN'
  }
  if (value === Number.POSITIVE_INFINITY) {
    return '+Inf'
  }
  return value === Number.NEGATIVE_INFINITY ? '-Inf' : `${value}`
}

/**
 * Renders families in the text format, byte for byte as prom-client's Registry does (HELP
 * and TYPE per family, families apart by a blank line), except NaN, which prom-client
 * spells `Nan`. One pass of string concatenation: at the agent's pace (one render per
 * 15 s, code that stays in the interpreter) prom-client's per-sample object spreads,
 * arrays and promises cost several times more CPU for the same text (measured, README).
 */
export function renderExposition(families: readonly MetricFamily[]): string {
  let out = ''
  for (let i = 0; i < families.length; i++) {
    const family = families[i] as MetricFamily
    if (i > 0) {
      out += '\n\n'
    }
    const name = family.name
    out += `# HELP ${name} ${escapeHelp(family.help)}\n# TYPE ${name} ${family.type}`
    for (const sample of family.samples) {
      out += `\n${name}${formatLabels(sample.labels)} ${formatValue(sample.value)}`
    }
  }
  return `${out}\n`
}
