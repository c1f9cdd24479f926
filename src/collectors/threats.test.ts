import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createLogger } from '../log/logger.ts'
import { collectFrom, instanceWithContext, sampleValue } from '../../test/helpers/collect.ts'
import { parseAgentArgs } from '../config/config.ts'
import { threatsCollector } from './threats.ts'

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/proc-pids')
const tmp = mkdtempSync(join(tmpdir(), 'odin-threats-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function capture() {
  const lines: string[] = []
  return { lines, log: createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l) }) }
}

describe('threats collector on a fixture /proc', () => {
  it('finds the masquerading miner and the deleted binary, logs each once, redacted', async () => {
    const { lines, log } = capture()
    const f = await collectFrom(threatsCollector, { procfs: FIXTURE, rootfs: tmp, log })
    const active = (rule: string) => sampleValue(f, 'odin_security_active_threats', { rule })
    expect(active('kernel_thread_masquerade')).toBe(1)
    expect(active('hidden_temp_executable')).toBe(1)
    // 400 (a suspect, walked every tick) and 500 (ordinary, found by the sweep on the first tick)
    expect(active('miner_pool_connection')).toBe(2)
    expect(active('deleted_executable')).toBe(1)
    expect(active('shell_stdio_socket')).toBe(0)
    expect(sampleValue(f, 'odin_security_findings_total', { rule: 'miner_pool_connection', category: 'crypto_miners', severity: 'high' })).toBe(2)
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    const pool = records.find((r) => r.rule === 'miner_pool_connection')
    expect(pool).toMatchObject({
      level: 'warn',
      msg: 'security finding',
      pid: 400,
      ppid: 1,
      comm: 'kworker/0:1',
      exe: '/tmp/.cache/kw',
      container: true,
      detail: 'remote 127.0.0.1:3333',
      cmdline: '[kworker/0:1]',
    })
    expect(records.map((r) => `${r.pid} ${r.rule}`).sort()).toEqual([
      '400 hidden_temp_executable',
      '400 kernel_thread_masquerade',
      '400 miner_pool_connection',
      '401 deleted_executable',
      '500 miner_pool_connection',
    ])
    expect(records.find((r) => r.pid === 500)).toMatchObject({ detail: 'remote 198.51.100.99:14444', container: true })
  })

  it('accepts --detector.threats and its allowlist flag; the allowlist drops covered findings', async () => {
    const allow = join(tmp, 'allow.yml')
    writeFileSync(allow, 'allow:\n  - exe: /tmp/.cache/*\n    rules: [miner_pool_connection, hidden_temp_executable]\n  - comm: x\n')
    const { config } = parseAgentArgs(['--no-detector.threats', `--detector.threats.allowlist=${allow}`], [threatsCollector])
    expect(config.enabled).toEqual([])
    const f = await collectFrom(threatsCollector, { procfs: FIXTURE, rootfs: tmp, args: [`--detector.threats.allowlist=${allow}`] })
    // 400's is allowed; 500's is not
    expect(sampleValue(f, 'odin_security_active_threats', { rule: 'miner_pool_connection' })).toBe(1)
    expect(sampleValue(f, 'odin_security_active_threats', { rule: 'kernel_thread_masquerade' })).toBe(1)
    expect(sampleValue(f, 'odin_security_active_threats', { rule: 'deleted_executable' })).toBe(0)
  })

  it('refuses an invalid allowlist at start, and fails with the file named when it breaks after start (it is re-read every tick)', async () => {
    const allow = join(tmp, 'bad.yml')
    writeFileSync(allow, 'allow:\n  - rules: [no_such_rule]\n    comm: x\n')
    expect(() => parseAgentArgs([`--detector.threats.allowlist=${allow}`], [threatsCollector])).toThrowError(
      /^--detector\.threats\.allowlist: invalid value ".*bad\.yml" \(accepted: .*no_such_rule/,
    )
    writeFileSync(allow, 'allow:\n  - comm: x\n')
    const [collector, ctx] = instanceWithContext(threatsCollector, { procfs: FIXTURE, args: [`--detector.threats.allowlist=${allow}`] })
    writeFileSync(allow, 'allow:\n  - rules: [no_such_rule]\n    comm: x\n')
    await expect(collector.collect(ctx)).rejects.toThrowError(/bad\.yml.*no_such_rule/)
  })

  it('never logs or labels the secret in a command line', async () => {
    const { lines, log } = capture()
    const f = await collectFrom(threatsCollector, { procfs: FIXTURE, rootfs: tmp, log })
    expect(JSON.stringify(f)).not.toContain('s3cr3t')
    expect(lines.join('\n')).not.toContain('s3cr3t')
  })
})
