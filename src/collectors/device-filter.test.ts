import { describe, expect, it } from 'vitest'
import { parseAgentArgs } from '../config/config.ts'
import { FlagError } from '../config/flag-spec.ts'
import type { Switchable } from '../config/config.ts'
import { DeviceFilterError, deviceFilterFlags, deviceFilterFrom, goRegExp } from './device-filter.ts'

const owner: Switchable = { name: 'x', defaultEnabled: true, help: '', flags: deviceFilterFlags('collector.x.device', 'x devices', '^lo$') }
const filter = (...args: string[]) => deviceFilterFrom(parseAgentArgs(args, [owner]).config, 'collector.x.device', '^lo$')

describe('deviceFilterFrom', () => {
  it.each([
    [[], { lo: true, eth0: false }],
    [['--collector.x.device-exclude=^eth'], { lo: false, eth0: true, eth1: true }],
    [['--collector.x.device-include=^eth0$'], { lo: true, eth0: false, eth1: true }],
    [['--collector.x.device-exclude='], { lo: false, eth0: false }],
  ])('%j ignores as node_exporter', (args, want) => {
    const f = filter(...args)
    for (const [name, ignored] of Object.entries(want)) {
      expect(f.ignored(name), name).toBe(ignored)
    }
  })

  it('rejects both patterns set, and a pattern that does not compile: at start, when the flags are parsed', () => {
    expect(() => filter('--collector.x.device-exclude=a', '--collector.x.device-include=b')).toThrowError(FlagError)
    expect(() => filter('--collector.x.device-include=(')).toThrowError(/^--collector\.x\.device-include: invalid value "\(" \(accepted: a regular expression\)$/)
  })

  it('still refuses them when built from a config the parser did not check', () => {
    const config = parseAgentArgs([], [owner]).config
    const flags = new Map(config.flags)
    flags.set('collector.x.device-exclude', 'a')
    flags.set('collector.x.device-include', 'b')
    expect(() => deviceFilterFrom({ ...config, flags }, 'collector.x.device', '^lo$')).toThrowError(DeviceFilterError)
    flags.set('collector.x.device-exclude', '^lo$')
    flags.set('collector.x.device-include', '(')
    expect(() => deviceFilterFrom({ ...config, flags }, 'collector.x.device', '^lo$')).toThrowError(/collector\.x\.device-include: invalid regular expression/)
  })

  it('declares the pair with node_exporter help text', () => {
    expect(owner.flags?.map((f) => [f.name, f.default])).toEqual([
      ['collector.x.device-exclude', '^lo$'],
      ['collector.x.device-include', ''],
    ])
  })
})

describe('goRegExp', () => {
  it('matches unanchored like Go MatchString and maps a leading (?i)', () => {
    expect(goRegExp('sd[a-z]').test('xsdb1')).toBe(true)
    expect(goRegExp('(?i)^ETH').test('eth0')).toBe(true)
    expect(() => goRegExp('(?U)a+')).toThrowError()
  })
})
