import { LOG_FORMATS, LOG_LEVELS } from '../log/logger.ts'
import type { LogFormat, LogLevel } from '../log/logger.ts'
import { FlagError, coerceFlag } from './flag-spec.ts'
import type { FlagSpec, FlagValue } from './flag-spec.ts'

export interface AgentConfig {
  readonly listenAddress: string
  readonly telemetryPath: string
  readonly procfs: string
  readonly sysfs: string
  readonly rootfs: string
  readonly netnsPid: string
  readonly samplerIntervalMs: number
  readonly collectorTimeoutMs: number
  readonly logLevel: LogLevel
  readonly logFormat: LogFormat
  readonly dataDir: string
  readonly maxRequests: number
  /** exporter-toolkit web config (TLS, basic auth, headers); empty: plain HTTP, no auth. */
  readonly webConfigFile: string
  /** Names of the collectors that run, in list order. */
  readonly enabled: readonly string[]
  /** Every flag's effective value by name, including collector- and detector-specific ones. */
  readonly flags: ReadonlyMap<string, FlagValue>
}

/** What the parser needs to know about a collector or detector. */
export interface Switchable {
  readonly name: string
  readonly defaultEnabled: boolean
  readonly help: string
  readonly flags?: readonly FlagSpec[]
}

/** Below this the agent's own health series (two per collector) would not fit. */
export const MIN_MAX_SERIES = 100

export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { name: 'web.listen-address', kind: 'string', default: ':9405', help: 'Address on which to expose metrics and the status page.' },
  {
    name: 'web.telemetry-path',
    kind: 'string',
    default: '/metrics',
    check: (v) => (/^\/[^\s?#]*$/.test(v) && v !== '/' ? undefined : 'a path starting with / other than / itself, without spaces, ? or #'),
    help: 'Path under which to expose metrics.',
  },
  {
    name: 'web.max-requests',
    kind: 'int',
    default: 40,
    min: 0,
    help: '/metrics responses in flight at once, from the request until its body is handed over; beyond this the agent answers 503 at once (0 = no limit).',
  },
  {
    name: 'web.max-series',
    kind: 'int',
    default: 8000,
    help: "Most series /metrics serves, the per-node budget (the embedded scrape job's sample_limit); beyond it container series are cut a pod at a time, then host series, and counted in odin_series_dropped_total (0 = no limit, else at least 100).",
  },
  {
    name: 'web.config.file',
    kind: 'string',
    default: '',
    help: "Path to a configuration file that can enable TLS or authentication, in exporter-toolkit's format (see README, Security). Re-read when it changes and on SIGHUP.",
  },
  { name: 'path.procfs', kind: 'string', default: '/proc', help: 'procfs mountpoint.' },
  { name: 'path.sysfs', kind: 'string', default: '/sys', help: 'sysfs mountpoint.' },
  { name: 'path.rootfs', kind: 'string', default: '/', help: 'rootfs mountpoint.' },
  {
    name: 'path.netns-pid',
    kind: 'string',
    default: '',
    help: "Read network statistics (netdev, netstat, sockstat, softnet, conntrack) from <procfs>/PID/net, the network namespace of process PID, instead of the agent's own. In a hostPID pod, 1 gives the host's.",
  },
  { name: 'sampler.interval', kind: 'duration', default: '15s', help: 'How often collectors run; /metrics serves the latest sample.' },
  { name: 'collector.timeout', kind: 'duration', default: '10s', help: 'Deadline for one collector run; past it the collector reports success 0.' },
  {
    name: 'sampler.worker',
    kind: 'bool',
    default: false,
    help: 'Run every collector on a worker thread, so that any read blocked in the kernel costs only its collector. Without it (the default) the collectors run on the serving thread, which refuses files that are not regular and reads cmdline and sensor files on a native helper thread with a 250 ms deadline. Costs about 9 MiB RSS and 10-15% CPU per tick; on in the DaemonSet (see README).',
  },
  { name: 'collector.disable-defaults', kind: 'bool', default: false, help: 'Disable every collector and detector that is not enabled explicitly.' },
  { name: 'log.level', kind: 'enum', values: LOG_LEVELS, default: 'info', help: 'Only log messages with the given severity or above.' },
  { name: 'log.format', kind: 'enum', values: LOG_FORMATS, default: 'logfmt', help: 'Output format of log messages.' },
  { name: 'data-dir', kind: 'string', default: '/var/lib/odin-agent', help: 'Directory for persistent state (anomaly models).' },
]

export interface ParsedArgs {
  readonly config: AgentConfig
  readonly help: boolean
}

/**
 * Parses node_exporter-style flags. Throws FlagError with one line naming the flag and
 * what it accepts; the CLI turns that into exit code 2.
 */
export function parseAgentArgs(argv: readonly string[], switchables: readonly Switchable[]): ParsedArgs {
  const specs = new Map<string, FlagSpec>()
  for (const spec of GLOBAL_FLAGS) {
    specs.set(spec.name, spec)
  }
  for (const s of switchables) {
    for (const spec of s.flags ?? []) {
      specs.set(spec.name, spec)
    }
  }
  const byName = new Map(switchables.map((s) => [s.name, s]))
  const explicit = new Map<string, boolean>()
  const values = new Map<string, FlagValue>()
  /** Flags given on the command line (not defaults), for the mutually exclusive pairs. */
  const given = new Set<string>()
  let help = false

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--help' || arg === '-h') {
      help = true
      continue
    }
    if (!arg.startsWith('--')) {
      throw new FlagError(`unexpected argument "${arg}"; flags start with -- (see --help)`)
    }
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    const inline = eq === -1 ? undefined : arg.slice(eq + 1)

    const switchName = switchTarget(name, byName)
    if (switchName) {
      const negated = name.startsWith('no-')
      let on = !negated
      if (inline !== undefined) {
        if (inline !== 'true' && inline !== 'false') {
          throw new FlagError(`--${name}: invalid value "${inline}" (accepted: true, false)`)
        }
        on = negated ? inline === 'false' : inline === 'true'
      }
      explicit.set(switchName, on)
      continue
    }

    const negatedBool = name.startsWith('no-') ? specs.get(name.slice(3)) : undefined
    if (negatedBool?.kind === 'bool' && inline === undefined) {
      values.set(negatedBool.name, false)
      continue
    }
    const spec = specs.get(name)
    if (!spec) {
      throw new FlagError(`unknown flag --${name} (see --help for the accepted flags)`)
    }
    let raw = inline
    if (raw === undefined) {
      if (spec.kind === 'bool') {
        raw = 'true'
      } else {
        const next = argv[i + 1]
        if (next === undefined) {
          throw new FlagError(`--${name}: missing value`)
        }
        raw = next
        i++
      }
    }
    const value = coerceFlag(spec, raw)
    given.add(name)
    const prev = values.get(name)
    values.set(name, spec.kind === 'list' && Array.isArray(prev) ? [...prev, ...(value as string[])] : value)
  }

  for (const spec of specs.values()) {
    if (!values.has(spec.name) && spec.default !== undefined) {
      values.set(spec.name, spec.kind === 'duration' || spec.kind === 'list' ? coerceFlag(spec, String(spec.default)) : spec.default)
    }
  }

  for (const spec of specs.values()) {
    const other = spec.exclusiveWith
    if (other !== undefined && given.has(spec.name) && given.has(other) && values.get(spec.name) !== '' && values.get(other) !== '' && spec.name < other) {
      throw new FlagError(`--${spec.name} and --${other}: mutually exclusive (accepted: one of them)`)
    }
  }

  const disableDefaults = values.get('collector.disable-defaults') === true
  const enabled = switchables.filter((s) => explicit.get(s.name) ?? (disableDefaults ? false : s.defaultEnabled)).map((s) => s.name)

  const config: AgentConfig = {
    listenAddress: values.get('web.listen-address') as string,
    telemetryPath: values.get('web.telemetry-path') as string,
    maxRequests: values.get('web.max-requests') as number,
    webConfigFile: values.get('web.config.file') as string,
    procfs: values.get('path.procfs') as string,
    sysfs: values.get('path.sysfs') as string,
    rootfs: values.get('path.rootfs') as string,
    netnsPid: values.get('path.netns-pid') as string,
    samplerIntervalMs: values.get('sampler.interval') as number,
    collectorTimeoutMs: values.get('collector.timeout') as number,
    logLevel: values.get('log.level') as LogLevel,
    logFormat: values.get('log.format') as LogFormat,
    dataDir: values.get('data-dir') as string,
    enabled,
    flags: values,
  }
  if (!/^(\d+)?$/.test(config.netnsPid)) {
    throw new FlagError(`--path.netns-pid: invalid value ${JSON.stringify(config.netnsPid)} (accepted: a process ID, or empty for the agent's own namespace)`)
  }
  const maxSeries = values.get('web.max-series')
  if (typeof maxSeries === 'number' && maxSeries !== 0 && maxSeries < MIN_MAX_SERIES) {
    throw new FlagError(`--web.max-series: invalid value "${maxSeries}" (accepted: 0 for no limit, or an integer of at least ${MIN_MAX_SERIES})`)
  }
  if (config.samplerIntervalMs < 100) {
    throw new FlagError(`--sampler.interval: invalid value (accepted: a duration of at least 100ms)`)
  }
  return { config, help }
}

/** `collector.cpu` / `no-collector.cpu` / `detector.threats` name a switchable. */
function switchTarget(flag: string, byName: ReadonlyMap<string, Switchable>): string | undefined {
  const bare = flag.startsWith('no-') ? flag.slice(3) : flag
  const m = /^(collector|detector)\.(.+)$/.exec(bare)
  if (!m) {
    return undefined
  }
  const key = m[1] === 'detector' ? `detector.${m[2]}` : (m[2] as string)
  return byName.has(key) ? key : undefined
}

/** Typed accessors for collector- and detector-specific flags. */
export function flagString(config: AgentConfig, name: string): string {
  const v = config.flags.get(name)
  return typeof v === 'string' ? v : ''
}
export function flagNumber(config: AgentConfig, name: string): number {
  const v = config.flags.get(name)
  return typeof v === 'number' ? v : Number.NaN
}
export function flagBool(config: AgentConfig, name: string): boolean {
  return config.flags.get(name) === true
}
export function flagList(config: AgentConfig, name: string): readonly string[] {
  const v = config.flags.get(name)
  return Array.isArray(v) ? v : []
}
