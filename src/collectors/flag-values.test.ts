import { describe, expect, it } from 'vitest'
import { parseAgentArgs } from '../config/config.ts'
import { FlagError } from '../config/flag-spec.ts'
import { allDetectors } from '../detectors/index.ts'
import { allCollectors } from './index.ts'

const switchables = [...allCollectors, ...allDetectors]

describe('collector flag values are checked at start, not on every tick', () => {
  it.each([
    [['--collector.diskstats.device-exclude=('], /^--collector\.diskstats\.device-exclude: invalid value "\(" \(accepted: a regular expression\)$/],
    [['--collector.netdev.device-include=[a-'], /^--collector\.netdev\.device-include: invalid value "\[a-" \(accepted: a regular expression\)$/],
    [['--collector.netclass.ignored-devices=*'], /^--collector\.netclass\.ignored-devices: invalid value "\*" \(accepted: a regular expression\)$/],
    [['--collector.vmstat.fields=(?<'], /^--collector\.vmstat\.fields: invalid value/],
    [['--collector.cpu.info.flags-include=)'], /^--collector\.cpu\.info\.flags-include: invalid value/],
    [
      ['--collector.filesystem.mount-points-exclude=^/x', '--collector.filesystem.mount-points-include=^/y'],
      /^--collector\.filesystem\.mount-points-exclude and --collector\.filesystem\.mount-points-include: mutually exclusive \(accepted: one of them\)$/,
    ],
  ])('%j exits with one line naming the flag', (argv, message) => {
    expect(() => parseAgentArgs(argv, switchables)).toThrowError(FlagError)
    expect(() => parseAgentArgs(argv, switchables)).toThrowError(message)
  })

  it.each([
    [['--collector.diskstats.device-include=^sd']],
    [['--collector.filesystem.mount-points-include=^/data', '--collector.filesystem.mount-points-exclude=']],
    [['--collector.netdev.device-exclude=(?i)^veth']],
  ])('%j is accepted (an include with the exclude left at its default, an empty pair member, RE2 inline flags)', (argv) => {
    expect(() => parseAgentArgs(argv, switchables)).not.toThrow()
  })
})
