import { spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { binaryPath, ensureBinary } from '../helpers/binary.ts'

beforeAll(async () => {
  await ensureBinary()
}, 180_000)

// Values that used to start the agent, ready, with a collector failing on every tick.
describe('the compiled agent refuses a bad flag value at start with one line and exit 2', () => {
  it.each([
    ['--collector.diskstats.device-exclude=(', /^odin-agent: --collector\.diskstats\.device-exclude: invalid value "\(" \(accepted: a regular expression\)\n$/],
    ['--collector.netclass.ignored-devices=*', /^odin-agent: --collector\.netclass\.ignored-devices: invalid value "\*" \(accepted: a regular expression\)\n$/],
    ['--collector.vmstat.fields=[', /^odin-agent: --collector\.vmstat\.fields: invalid value "\[" \(accepted: a regular expression\)\n$/],
    ['--collector.gpu.nvidia-smi-path=nvidia-smi', /^odin-agent: --collector\.gpu\.nvidia-smi-path: invalid value "nvidia-smi" \(accepted: an absolute path\)\n$/],
  ])('%s', (arg, message) => {
    const r = spawnSync(binaryPath, [arg, '--web.listen-address=127.0.0.1:0'], { encoding: 'utf8', timeout: 20_000 })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(message)
  })

  it('an include given with its exclude', () => {
    const r = spawnSync(binaryPath, ['--collector.netdev.device-include=^eth', '--collector.netdev.device-exclude=^lo$', '--web.listen-address=127.0.0.1:0'], { encoding: 'utf8', timeout: 20_000 })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^odin-agent: --collector\.netdev\.device-exclude and --collector\.netdev\.device-include: mutually exclusive \(accepted: one of them\)\n$/)
  })
})
