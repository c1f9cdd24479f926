import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseAllowlist } from '../detectors/threats/allowlist.ts'
import { parseNamegroupConfig } from '../process/namegroup-config.ts'
import { parseAgentArgs } from './config.ts'
import { fileFlagCheck } from './file-flag.ts'
import { FlagError, coerceFlag } from './flag-spec.ts'
import type { FlagSpec } from './flag-spec.ts'

const dir = mkdtempSync(join(tmpdir(), 'odin-file-flag-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const allowlist: FlagSpec = { name: 'detector.threats.allowlist', kind: 'string', default: '', help: '', check: fileFlagCheck('an existing YAML allowlist', parseAllowlist) }
const namegroups: FlagSpec = {
  name: 'collector.namedprocess.config',
  kind: 'string',
  default: '',
  help: '',
  check: fileFlagCheck('an existing process-exporter YAML config', parseNamegroupConfig),
}

describe('file flags: read and parsed once, at start', () => {
  it('accept a file that parses, and empty (no file)', () => {
    const good = file('good.yml', 'allow:\n  - comm: sshd\n')
    expect(coerceFlag(allowlist, good)).toBe(good)
    expect(coerceFlag(allowlist, '')).toBe('')
    const groups = file('groups.yml', 'process_names:\n  - comm: [bash]\n')
    expect(coerceFlag(namegroups, groups)).toBe(groups)
  })

  it.each([
    ['a missing file', () => join(dir, 'missing.yml'), /ENOENT/],
    ['a directory', () => dir, /EISDIR/],
    ['broken YAML', () => file('broken.yml', '- comm: [sshd\n  exe: /x\n'), /./],
    ['an unknown key', () => file('key.yml', 'allow:\n  - program: sshd\n'), /program/],
  ])('refuse %s with one line naming the flag, the value and what it accepts', (_what, path, reason) => {
    const p = path()
    let message = ''
    try {
      coerceFlag(allowlist, p)
    } catch (err) {
      expect(err).toBeInstanceOf(FlagError)
      message = (err as Error).message
    }
    expect(message.startsWith(`--detector.threats.allowlist: invalid value "${p}" (accepted: an existing YAML allowlist; `)).toBe(true)
    expect(message).toMatch(reason)
    expect(message).not.toContain('\n')
    expect(message.length).toBeLessThan(400 + p.length)
  })

  it('refuse a namedprocess config without process_names', () => {
    const p = file('no-names.yml', 'process_names: 3\n')
    expect(() => coerceFlag(namegroups, p)).toThrowError(
      /^--collector\.namedprocess\.config: invalid value ".*" \(accepted: an existing process-exporter YAML config; .*process_names.*\)$/,
    )
  })
})

describe('duration flags must be positive', () => {
  it.each(['0s', '0ms', '0m0s', '-1s', '0.0s'])('%s is refused with one line', (raw) => {
    expect(() => parseAgentArgs([`--collector.timeout=${raw}`], [])).toThrowError(
      `--collector.timeout: invalid value "${raw}" (accepted: a positive duration such as 500ms, 15s, 1m)`,
    )
  })

  it('a positive one is taken', () => {
    expect(parseAgentArgs(['--collector.timeout=1ms'], []).config.collectorTimeoutMs).toBe(1)
  })
})
