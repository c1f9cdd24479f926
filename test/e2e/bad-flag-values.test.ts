import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { binaryPath, ensureBinary } from '../helpers/binary.ts'

const dir = mkdtempSync(join(tmpdir(), 'odin-bad-flags-'))
const brokenAllowlist = join(dir, 'allowlist.yml')
writeFileSync(brokenAllowlist, '- comm: [sshd\n  exe: /usr/sbin/*\n')
const unknownKeyAllowlist = join(dir, 'allowlist-key.yml')
writeFileSync(unknownKeyAllowlist, 'allow:\n  - program: sshd\n')
const brokenNamegroups = join(dir, 'namegroups.yml')
writeFileSync(brokenNamegroups, 'process_names: 3\n')
const missing = join(dir, 'missing.yml')

beforeAll(async () => {
  await ensureBinary()
}, 180_000)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

// Values that used to start the agent, ready, with a collector failing on every tick.
describe('the compiled agent refuses a bad flag value at start with one line and exit 2', () => {
  it.each([
    ['--collector.diskstats.device-exclude=(', /^odin-agent: --collector\.diskstats\.device-exclude: invalid value "\(" \(accepted: a regular expression\)\n$/],
    ['--collector.netclass.ignored-devices=*', /^odin-agent: --collector\.netclass\.ignored-devices: invalid value "\*" \(accepted: a regular expression\)\n$/],
    ['--collector.vmstat.fields=[', /^odin-agent: --collector\.vmstat\.fields: invalid value "\[" \(accepted: a regular expression\)\n$/],
    // Files that must exist and parse: before, the agent started and the detector or collector failed every tick.
    [
      `--detector.threats.allowlist=${missing}`,
      new RegExp(
        `^odin-agent: --detector\\.threats\\.allowlist: invalid value "${esc(missing)}" \\(accepted: an existing YAML allowlist \\(see docs/processes\\.md\\); ENOENT[^\n]*\\)\n$`,
      ),
    ],
    [
      `--detector.threats.allowlist=${brokenAllowlist}`,
      new RegExp(`^odin-agent: --detector\\.threats\\.allowlist: invalid value "${esc(brokenAllowlist)}" \\(accepted: an existing YAML allowlist [^\n]+\\)\n$`),
    ],
    [
      `--detector.threats.allowlist=${unknownKeyAllowlist}`,
      new RegExp(`^odin-agent: --detector\\.threats\\.allowlist: invalid value "${esc(unknownKeyAllowlist)}" \\(accepted: an existing YAML allowlist [^\n]*program[^\n]*\\)\n$`),
    ],
    [
      `--collector.namedprocess.config=${missing}`,
      new RegExp(
        `^odin-agent: --collector\\.namedprocess\\.config: invalid value "${esc(missing)}" \\(accepted: an existing process-exporter YAML config with process_names; ENOENT[^\n]*\\)\n$`,
      ),
    ],
    [
      `--collector.namedprocess.config=${brokenNamegroups}`,
      new RegExp(
        `^odin-agent: --collector\\.namedprocess\\.config: invalid value "${esc(brokenNamegroups)}" \\(accepted: an existing process-exporter YAML config with process_names; [^\n]*process_names[^\n]*\\)\n$`,
      ),
    ],
    // Durations that must be positive.
    ['--collector.timeout=0s', /^odin-agent: --collector\.timeout: invalid value "0s" \(accepted: a positive duration such as 500ms, 15s, 1m\)\n$/],
    ['--collector.gpu.timeout=0ms', /^odin-agent: --collector\.gpu\.timeout: invalid value "0ms" \(accepted: a positive duration such as 500ms, 15s, 1m\)\n$/],
    [
      '--collector.filesystem.mount-timeout=-5s',
      /^odin-agent: --collector\.filesystem\.mount-timeout: invalid value "-5s" \(accepted: a positive duration such as 500ms, 15s, 1m\)\n$/,
    ],
    ['--sampler.interval=0m', /^odin-agent: --sampler\.interval: invalid value "0m" \(accepted: a positive duration such as 500ms, 15s, 1m\)\n$/],
    [
      '--collector.containers.kubelet-url=kubelet:10250/pods',
      /^odin-agent: --collector\.containers\.kubelet-url: invalid value "kubelet:10250\/pods" \(accepted: an http:\/\/ or https:\/\/ URL [^\n]*\)\n$/,
    ],
    [
      '--collector.containers.kubelet-token-file=/nonexistent/token',
      /^odin-agent: --collector\.containers\.kubelet-token-file: invalid value "\/nonexistent\/token" \(accepted: a readable, non-empty token file\)\n$/,
    ],
    [
      '--collector.containers.kubelet-ca-file=/etc/hostname',
      /^odin-agent: --collector\.containers\.kubelet-ca-file: invalid value "\/etc\/hostname" \(accepted: a readable PEM CA file [^\n]*\)\n$/,
    ],
    ['--collector.gpu.nvidia-smi-path=nvidia-smi', /^odin-agent: --collector\.gpu\.nvidia-smi-path: invalid value "nvidia-smi" \(accepted: an absolute path\)\n$/],
  ])('%s', (arg, message) => {
    const r = spawnSync(binaryPath, [arg, '--web.listen-address=127.0.0.1:0'], { encoding: 'utf8', timeout: 20_000 })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(message)
  })

  it('an include given with its exclude', () => {
    const r = spawnSync(binaryPath, ['--collector.netdev.device-include=^eth', '--collector.netdev.device-exclude=^lo$', '--web.listen-address=127.0.0.1:0'], {
      encoding: 'utf8',
      timeout: 20_000,
    })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^odin-agent: --collector\.netdev\.device-exclude and --collector\.netdev\.device-include: mutually exclusive \(accepted: one of them\)\n$/)
  })
})
