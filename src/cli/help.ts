import { GLOBAL_FLAGS } from '../config/config.ts'
import type { Switchable } from '../config/config.ts'
import type { FlagSpec } from '../config/flag-spec.ts'

function flagLine(spec: FlagSpec): string {
  const value = spec.kind === 'bool' ? '' : spec.kind === 'enum' ? `=<${spec.values?.join('|')}>` : `=<${spec.kind}>`
  const def = spec.default === undefined || spec.default === '' ? '' : ` (default: ${String(spec.default)})`
  return `  --${spec.name}${value}\n      ${spec.help}${def}`
}

/** --help, generated from the one collector list so it can never drift. */
export function renderHelp(switchables: readonly Switchable[]): string {
  const out: string[] = [
    'usage: odin-agent [flags]                 run the agent',
    '       odin-agent version                 print version and revision',
    '       odin-agent detect --input F.csv    score a timestamp,value series offline (see detect --help)',
    '       odin-agent manifests [flags]       print Kubernetes manifests (see manifests --help)',
    '',
    'Flags:',
    ...GLOBAL_FLAGS.map(flagLine),
    '',
    'Collectors and detectors (--collector.NAME / --no-collector.NAME, --detector.NAME / --no-detector.NAME):',
  ]
  for (const s of switchables) {
    const flag = s.name.startsWith('detector.') ? s.name : `collector.${s.name}`
    out.push(`  --${flag}\n      ${s.help} (default: ${s.defaultEnabled ? 'enabled' : 'disabled'})`)
    for (const spec of s.flags ?? []) {
      out.push(flagLine(spec))
    }
  }
  return `${out.join('\n')}\n`
}
