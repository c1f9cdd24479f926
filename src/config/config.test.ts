import { describe, expect, it } from 'vitest'
import { parseAgentArgs } from './config.ts'
import type { Switchable } from './config.ts'
import { FlagError, parseDuration } from './flag-spec.ts'

const switchables: Switchable[] = [
  { name: 'cpu', defaultEnabled: true, help: 'cpu' },
  { name: 'meminfo', defaultEnabled: true, help: 'mem' },
  { name: 'textfile', defaultEnabled: false, help: 'tf', flags: [{ name: 'collector.textfile.directory', kind: 'string', default: '', help: 'dir' }] },
  { name: 'detector.threats', defaultEnabled: true, help: 'threats' },
]

describe('parseAgentArgs', () => {
  it('applies node_exporter-style defaults', () => {
    const { config, help } = parseAgentArgs([], switchables)
    expect(help).toBe(false)
    expect(config.listenAddress).toBe(':9405')
    expect(config.telemetryPath).toBe('/metrics')
    expect(config.procfs).toBe('/proc')
    expect(config.sysfs).toBe('/sys')
    expect(config.rootfs).toBe('/')
    expect(config.samplerIntervalMs).toBe(15_000)
    expect(config.logLevel).toBe('info')
    expect(config.logFormat).toBe('logfmt')
    expect(config.enabled).toEqual(['cpu', 'meminfo', 'detector.threats'])
  })

  it('accepts --flag=value and --flag value forms', () => {
    const { config } = parseAgentArgs(['--path.procfs', '/host/proc', '--path.sysfs=/host/sys', '--sampler.interval=1m30s'], switchables)
    expect(config.procfs).toBe('/host/proc')
    expect(config.sysfs).toBe('/host/sys')
    expect(config.samplerIntervalMs).toBe(90_000)
  })

  it('switches collectors and detectors on and off', () => {
    const { config } = parseAgentArgs(['--no-collector.cpu', '--collector.textfile', '--no-detector.threats'], switchables)
    expect(config.enabled).toEqual(['meminfo', 'textfile'])
  })

  it('--collector.disable-defaults keeps only explicit collectors, and detectors only when named (no /proc walk otherwise)', () => {
    const { config } = parseAgentArgs(['--collector.disable-defaults', '--collector.meminfo'], switchables)
    expect(config.enabled).toEqual(['meminfo'])
    const named = parseAgentArgs(['--collector.disable-defaults', '--collector.meminfo', '--detector.threats'], switchables)
    expect(named.config.enabled).toEqual(['meminfo', 'detector.threats'])
  })

  it('reads collector-specific flags declared by the collector', () => {
    const { config } = parseAgentArgs(['--collector.textfile.directory=/var/lib/tf'], switchables)
    expect(config.flags.get('collector.textfile.directory')).toBe('/var/lib/tf')
  })

  it.each([
    [['--bogus'], /unknown flag --bogus/],
    [['--collector.nosuch'], /unknown flag --collector.nosuch/],
    [['--log.level=loud'], /--log.level: invalid value "loud" \(accepted: debug, info, warn, error\)/],
    [['--log.format=xml'], /--log.format: invalid value "xml" \(accepted: logfmt, json\)/],
    [['--sampler.interval=soon'], /--sampler.interval: invalid value "soon"/],
    [['--sampler.interval=10ms'], /at least 100ms/],
    [['--web.max-requests=many'], /--web.max-requests: invalid value "many" \(accepted: an integer >= 0\)/],
    [['--web.max-series=lots'], /--web.max-series: invalid value "lots" \(accepted: an integer\)/],
    [['--web.max-series=99'], /--web.max-series: invalid value "99" \(accepted: 0 for no limit, or an integer of at least 100\)/],
    [['--web.max-series=-1'], /--web.max-series: invalid value "-1"/],
    [['--path.procfs'], /--path.procfs: missing value/],
    [['--web.max-requests=-1'], /^--web\.max-requests: invalid value "-1" \(accepted: an integer >= 0\)$/],
    [['--web.telemetry-path=metrics'], /^--web\.telemetry-path: invalid value "metrics" \(accepted: a path starting with \/ /],
    [['--web.telemetry-path=/'], /^--web\.telemetry-path: invalid value "\/"/],
    [['stray'], /unexpected argument "stray"/],
    [['--collector.cpu=maybe'], /--collector.cpu: invalid value "maybe" \(accepted: true, false\)/],
  ])('rejects %j with one line naming the flag', (argv, message) => {
    expect(() => parseAgentArgs(argv, switchables)).toThrowError(FlagError)
    expect(() => parseAgentArgs(argv, switchables)).toThrowError(message)
  })

  it('--web.max-series defaults to the per-node budget, 8000; 0 turns the cap off', () => {
    expect(parseAgentArgs([], switchables).config.flags.get('web.max-series')).toBe(8000)
    expect(parseAgentArgs(['--web.max-series=0'], switchables).config.flags.get('web.max-series')).toBe(0)
    expect(parseAgentArgs(['--web.max-series=100'], switchables).config.flags.get('web.max-series')).toBe(100)
  })

  it('recognises --help', () => {
    expect(parseAgentArgs(['--help'], switchables).help).toBe(true)
  })
})

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['15s', 15_000],
    ['1m', 60_000],
    ['1m30s', 90_000],
    ['2h', 7_200_000],
    ['1.5s', 1500],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms)
  })

  it.each(['', '15', 's', '15x', '1m junk', '-5s'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrowError(FlagError)
  })
})
