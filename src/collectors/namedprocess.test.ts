import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createHostFS } from '../platform/host-fs.ts'
import { collectFrom, createFrom, instanceWithContext, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { parseAgentArgs } from '../config/config.ts'
import { namedprocessCollector } from './namedprocess.ts'

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/proc-pids')
const tmp = mkdtempSync(join(tmpdir(), 'odin-namedprocess-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('namedprocess collector', () => {
  it('groups by comm with process-exporter names, kernel threads left out', async () => {
    const f = await collectFrom(namedprocessCollector, { procfs: FIXTURE, rootfs: tmp })
    const groups = samplesOf(f, 'namedprocess_namegroup_num_procs')
      .map((s) => s.labels.groupname)
      .sort()
    expect(groups).toEqual(['a) (b c', 'kworker/0:1', 'node', 'python3', 'systemd', 'worker', 'x'])
    const py = { groupname: 'python3' }
    expect(sampleValue(f, 'namedprocess_namegroup_num_procs', py)).toBe(2)
    expect(sampleValue(f, 'namedprocess_namegroup_cpu_seconds_total', { ...py, mode: 'user' })).toBeCloseTo(124)
    expect(sampleValue(f, 'namedprocess_namegroup_cpu_seconds_total', { ...py, mode: 'system' })).toBeCloseTo(6.89)
    expect(sampleValue(f, 'namedprocess_namegroup_memory_bytes', { ...py, memtype: 'resident' })).toBe((2048000 + 512000) * 1024)
    expect(sampleValue(f, 'namedprocess_namegroup_memory_bytes', { ...py, memtype: 'swapped' })).toBe(1024 * 1024)
    expect(sampleValue(f, 'namedprocess_namegroup_open_filedesc', py)).toBe(8)
    expect(sampleValue(f, 'namedprocess_namegroup_read_bytes_total', py)).toBe(1048576 + 4096)
    expect(sampleValue(f, 'namedprocess_namegroup_num_threads', py)).toBe(25)
    expect(sampleValue(f, 'namedprocess_namegroup_states', { ...py, state: 'Running' })).toBe(1)
    expect(sampleValue(f, 'namedprocess_namegroup_states', { ...py, state: 'Sleeping' })).toBe(1)
    expect(sampleValue(f, 'namedprocess_namegroup_states', { groupname: 'worker', state: 'Zombie' })).toBe(1)
    expect(sampleValue(f, 'namedprocess_namegroup_oldest_start_time_seconds', py)).toBe(1_700_005_000)
    expect(sampleValue(f, 'namedprocess_namegroup_context_switches_total', { ...py, ctxswitchtype: 'voluntary' })).toBe(4050)
    expect(sampleValue(f, 'namedprocess_namegroup_major_page_faults_total', py)).toBe(7)
    expect(sampleValue(f, 'odin_process_read_errors_total', { reason: 'vanished' })).toBe(0)
    expect(sampleValue(f, 'odin_series_dropped_total', { collector: 'namedprocess' })).toBe(0)
    for (const family of f) {
      for (const s of family.samples) {
        expect(Object.keys(s.labels)).not.toContain('pid')
      }
    }
  })

  it('keeps group counters monotonic when members exit', async () => {
    const proc = mkdtempSync(join(tmp, 'proc-'))
    cpSync(FIXTURE, proc, { recursive: true, verbatimSymlinks: true })
    const fs = createHostFS({ procfs: proc, sysfs: '/nonexistent', rootfs: tmp })
    const collector = createFrom(namedprocessCollector, { fs })
    const f1 = await collectFrom(collector, { fs })
    rmSync(join(proc, '101'), { recursive: true })
    writeFileSync(join(proc, '100/stat'), '100 (python3) R 1 1 1 0 -1 4194304 90000 0 7 0 12445 778 0 0 20 0 24 0 500000 12345678 250 1\n')
    const f2 = await collectFrom(collector, { fs })
    const user = { groupname: 'python3', mode: 'user' }
    expect(sampleValue(f2, 'namedprocess_namegroup_num_procs', { groupname: 'python3' })).toBe(1)
    expect(sampleValue(f2, 'namedprocess_namegroup_cpu_seconds_total', user)).toBeCloseTo((sampleValue(f1, 'namedprocess_namegroup_cpu_seconds_total', user) ?? 0) + 1)
    rmSync(join(proc, '200'), { recursive: true })
    const f3 = await collectFrom(collector, { fs })
    expect(sampleValue(f3, 'namedprocess_namegroup_num_procs', { groupname: 'a) (b c' })).toBe(0)
    expect(sampleValue(f3, 'namedprocess_namegroup_cpu_seconds_total', { groupname: 'a) (b c', mode: 'user' })).toBeCloseTo(0.01)
  })

  it('reads a process-exporter config: templates, redacted matches, children', async () => {
    const config = join(tmp, 'pe.yml')
    writeFileSync(
      config,
      `process_names:
  - name: "job-{{.Matches.Script}}"
    cmdline: ['(?P<Script>\\w+)\\.py']
  - name: "{{.Matches.Token}}"
    cmdline: ['--api-token=(?P<Token>\\S+)']
  - name: "{{.ExeBase}}"
    exe: [/sbin/init]
`,
    )
    const f = await collectFrom(namedprocessCollector, { procfs: FIXTURE, rootfs: tmp, args: [`--collector.namedprocess.config=${config}`] })
    const groups = Object.fromEntries(samplesOf(f, 'namedprocess_namegroup_num_procs').map((s) => [s.labels.groupname, s.value]))
    // 101 is matched by its own (redacted) token, never the secret; the zombie 300 joins
    // its parent 100; 200, 400, 401 and 500 join init; kernel threads match nothing.
    expect(groups).toEqual({ 'job-train': 2, '***': 1, init: 5 })
    const none = await collectFrom(namedprocessCollector, {
      procfs: FIXTURE,
      rootfs: tmp,
      args: [`--collector.namedprocess.config=${config}`, '--no-collector.namedprocess.children'],
    })
    expect(
      samplesOf(none, 'namedprocess_namegroup_num_procs')
        .map((s) => s.labels.groupname)
        .sort(),
    ).toEqual(['***', 'init', 'job-train'])
  })

  it('captures and templates see only the redacted command line, whatever the config', async () => {
    const proc = mkdtempSync(join(tmp, 'proc-secret-'))
    cpSync(FIXTURE, proc, { recursive: true, verbatimSymlinks: true })
    // 101 takes its password as a value beginning with '-'; 100 rewrote its argv[0] (setproctitle).
    writeFileSync(join(proc, '101/cmdline'), 'app\0--password\0-dashsecret88\0--pw=hunter2\0')
    writeFileSync(join(proc, '100/cmdline'), 'worker --token hunter3 --port 80\0')
    const config = join(tmp, 'capture.yml')
    writeFileSync(
      config,
      `process_names:
  - name: "pw{{.Matches.pw}}"
    cmdline: ['--password (?P<pw>\\S+)']
  - name: "pw2-{{.Matches.pw}}"
    cmdline: ['--pw=(?P<pw>\\S*)']
  - name: "{{.ExeBase}}:{{.Matches}}"
    cmdline: ['--token \\S+']
`,
    )
    const fs = createHostFS({ procfs: proc, sysfs: '/nonexistent', rootfs: tmp })
    const f = await collectFrom(namedprocessCollector, { fs, args: [`--collector.namedprocess.config=${config}`, '--no-collector.namedprocess.children'] })
    const groups = samplesOf(f, 'namedprocess_namegroup_num_procs')
      .map((s) => s.labels.groupname)
      .sort()
    expect(groups).toEqual(['pw***', 'worker --token *** --port 80:map[:--token ***]'])
    expect(JSON.stringify(groups)).not.toMatch(/dashsecret88|hunter2|hunter3/)
  })

  it('refuses an invalid config at start, and fails with the file named when it breaks after start (it is re-read every run)', async () => {
    const config = join(tmp, 'bad.yml')
    writeFileSync(config, 'process_names: [{name: "{{.PID}}", comm: [x]}]')
    expect(() => parseAgentArgs([`--collector.namedprocess.config=${config}`], [namedprocessCollector])).toThrowError(
      /^--collector\.namedprocess\.config: invalid value ".*bad\.yml" \(accepted: .*PID/,
    )
    writeFileSync(config, 'process_names: [{name: "{{.Comm}}", comm: [x]}]')
    const [collector, ctx] = instanceWithContext(namedprocessCollector, { procfs: FIXTURE, args: [`--collector.namedprocess.config=${config}`] })
    writeFileSync(config, 'process_names: [{name: "{{.PID}}", comm: [x]}]')
    await expect(collector.collect(ctx)).rejects.toThrowError(/bad\.yml.*PID/)
  })

  it('caps groups and counts the dropped series', async () => {
    const f = await collectFrom(namedprocessCollector, { procfs: FIXTURE, rootfs: tmp, args: ['--collector.namedprocess.max-groups=2'] })
    expect(samplesOf(f, 'namedprocess_namegroup_num_procs')).toHaveLength(2)
    expect(sampleValue(f, 'namedprocess_namegroup_num_procs', { groupname: 'python3' })).toBe(2)
    expect(sampleValue(f, 'odin_series_dropped_total', { collector: 'namedprocess' })).toBe(5 * 20)
  })
})
