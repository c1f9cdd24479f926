import { GLOBAL_FLAGS } from '../config/config.ts'
import type { Switchable } from '../config/config.ts'

const cell = (s: string) => s.replace(/\|/g, '\\|')

/** The README's flag and collector tables, generated from the same lists as --help. */
export function flagsTable(): string {
  const rows = GLOBAL_FLAGS.map((f) => `| \`--${f.name}\` | ${f.default === undefined || f.default === '' ? '' : `\`${String(f.default)}\``} | ${cell(f.help)} |`)
  return ['| flag | default | meaning |', '| --- | --- | --- |', ...rows].join('\n')
}

export function collectorsTable(switchables: readonly Switchable[]): string {
  const rows = switchables.map((s) => {
    const flag = s.name.startsWith('detector.') ? `--${s.name}` : `--collector.${s.name}`
    const extra = (s.flags ?? []).map((f) => `\`--${f.name}\``).join(', ')
    return `| \`${flag}\` | ${s.defaultEnabled ? 'on' : 'off'} | ${cell(s.help)}${extra ? ` Flags: ${extra}.` : ''} |`
  })
  return ['| switch | default | what it exports |', '| --- | --- | --- |', ...rows].join('\n')
}
