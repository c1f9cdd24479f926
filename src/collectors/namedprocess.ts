import { flagBool, flagNumber, flagString } from '../config/config.ts'
import type { AgentConfig } from '../config/config.ts'
import { fileFlagCheck } from '../config/file-flag.ts'
import { Families } from '../metrics/families.ts'
import { NamegroupAccumulator, STATES } from '../process/namegroup.ts'
import type { GroupSample } from '../process/namegroup.ts'
import { matchName, parseNamegroupConfig } from '../process/namegroup-config.ts'
import type { NamegroupConfig } from '../process/namegroup-config.ts'
import type { ProcessIdentity, ProcessRecord, ProcessTable, ReadErrorReason } from '../process/types.ts'
import { UserNames } from '../process/users.ts'
import { redactArgv } from '../security/redact.ts'
import type { CollectorEntry, CollectContext } from './types.ts'
import { DROPPED_DECL, countDropped } from '../metrics/dropped.ts'
import type { ProcessPods } from '../containers/process-pods.ts'
import type { PodOfProcess } from '../containers/process-pods.ts'

const P = 'namedprocess_namegroup_'
const SERIES_PER_GROUP = 20
const REASONS: readonly ReadErrorReason[] = ['vanished', 'permission', 'parse', 'other']

interface State {
  /** --collector.namedprocess.config; '' groups by comm. */
  readonly path: string
  readonly children: boolean
  readonly maxGroups: number
  readonly pods: boolean
  users: UserNames | undefined
  source: string | undefined
  config: NamegroupConfig | undefined
  accumulator: NamegroupAccumulator
  readonly exposed: Set<string>
  dropped: number
  cache: WeakMap<ProcessIdentity, { comm: string; euid: number | undefined; group: string | undefined }>
}

function newState(config: AgentConfig): State {
  const max = flagNumber(config, 'collector.namedprocess.max-groups')
  return {
    path: flagString(config, 'collector.namedprocess.config'),
    children: flagBool(config, 'collector.namedprocess.children'),
    maxGroups: Number.isFinite(max) && max >= 0 ? max : 500,
    pods: flagBool(config, PODS_FLAG),
    users: undefined,
    source: undefined,
    config: undefined,
    accumulator: new NamegroupAccumulator(),
    exposed: new Set(),
    dropped: 0,
    cache: new WeakMap(),
  }
}

/** Re-reads the config file each run; a change of content starts the groups afresh. */
async function loadConfig(ctx: CollectContext, state: State): Promise<void> {
  const path = state.path
  let text: string | undefined
  if (path !== '') {
    try {
      text = await ctx.fs.readFile(path)
    } catch (err) {
      throw new Error(`couldn't read --collector.namedprocess.config ${path}: ${(err as Error).message}`, { cause: err })
    }
  }
  const source = text === undefined ? undefined : `${path}\0${text}`
  if (source !== state.source) {
    state.config = text === undefined ? undefined : parseNamegroupConfig(text, path)
    state.source = source
    state.accumulator = new NamegroupAccumulator()
    state.exposed.clear()
    state.cache = new WeakMap()
  }
}

function configuredGroups(table: ProcessTable, state: State, config: NamegroupConfig, users: UserNames, children: boolean) {
  const own = new Map<number, string | undefined>()
  for (const p of table.processes.values()) {
    const cached = state.cache.get(p.identity)
    if (cached && cached.comm === p.comm && cached.euid === p.euid) {
      own.set(p.pid, cached.group)
      continue
    }
    // Matchers, captures and templates see only the redacted argv: no config can pull a secret into a label.
    const argv = redactArgv(p.identity.argv)
    const group = matchName(config, {
      comm: p.comm,
      argv,
      cmdline: argv.join(' '),
      username: users.name(p.euid),
    })
    state.cache.set(p.identity, { comm: p.comm, euid: p.euid, group })
    own.set(p.pid, group)
  }
  const resolved = new Map<number, string | undefined>()
  const groupOf = (p: ProcessRecord): string | undefined => {
    if (resolved.has(p.pid)) {
      return resolved.get(p.pid)
    }
    // Untracked children join their nearest tracked ancestor (process-exporter's -children).
    let group = own.get(p.pid)
    let cur: ProcessRecord | undefined = p
    for (let depth = 0; group === undefined && children && depth < 64; depth++) {
      cur = cur.ppid > 0 ? table.processes.get(cur.ppid) : undefined
      if (!cur) {
        break
      }
      group = own.get(cur.pid)
    }
    resolved.set(p.pid, group)
    return group
  }
  return groupOf
}

function capped(groups: GroupSample[], state: State, max: number): GroupSample[] {
  if (groups.length <= max) {
    for (const g of groups) {
      state.exposed.add(g.name)
    }
    return groups
  }
  // Keep what was already exposed (no flapping series), then the busiest groups.
  const sorted = [...groups].sort((a, b) => Number(state.exposed.has(b.name)) - Number(state.exposed.has(a.name)) || b.procs - a.procs || (a.name < b.name ? -1 : 1))
  const kept = sorted.slice(0, max)
  state.dropped += (groups.length - kept.length) * SERIES_PER_GROUP
  state.exposed.clear()
  for (const g of kept) {
    state.exposed.add(g.name)
  }
  return kept
}

function render(f: Families, groups: readonly GroupSample[]): void {
  for (const g of groups) {
    const l = { groupname: g.name }
    f.gauge(`${P}num_procs`, 'number of processes in this group', g.procs, l)
    f.counter(`${P}cpu_seconds_total`, 'Cpu user usage in seconds', g.counters.cpuUserSeconds, { ...l, mode: 'user' })
    f.counter(`${P}cpu_seconds_total`, 'Cpu user usage in seconds', g.counters.cpuSystemSeconds, { ...l, mode: 'system' })
    f.counter(`${P}read_bytes_total`, 'number of bytes read by this group', g.counters.readBytes, l)
    f.counter(`${P}write_bytes_total`, 'number of bytes written by this group', g.counters.writeBytes, l)
    f.counter(`${P}major_page_faults_total`, 'Major page faults', g.counters.majorFaults, l)
    f.counter(`${P}minor_page_faults_total`, 'Minor page faults', g.counters.minorFaults, l)
    f.counter(`${P}context_switches_total`, 'Context switches', g.counters.voluntaryCtxtSwitches, { ...l, ctxswitchtype: 'voluntary' })
    f.counter(`${P}context_switches_total`, 'Context switches', g.counters.nonvoluntaryCtxtSwitches, { ...l, ctxswitchtype: 'nonvoluntary' })
    f.gauge(`${P}memory_bytes`, 'number of bytes of memory in use', g.residentBytes, { ...l, memtype: 'resident' })
    f.gauge(`${P}memory_bytes`, 'number of bytes of memory in use', g.virtualBytes, { ...l, memtype: 'virtual' })
    f.gauge(`${P}memory_bytes`, 'number of bytes of memory in use', g.swappedBytes, { ...l, memtype: 'swapped' })
    f.gauge(`${P}open_filedesc`, 'number of open file descriptors for this group', g.openFds, l)
    f.gauge(`${P}num_threads`, 'Number of threads', g.threads, l)
    for (const s of STATES) {
      f.gauge(`${P}states`, 'Number of processes in states Running, Sleeping, Waiting, Zombie, or Other', g.states[s], { ...l, state: s })
    }
    if (g.oldestStartSeconds !== undefined) {
      f.gauge(`${P}oldest_start_time_seconds`, 'start time in seconds since 1970/01/01 of oldest process in group', g.oldestStartSeconds, l)
    }
  }
}

const PODS_FLAG = 'collector.namedprocess.pods'
const PODS_HELP =
  "odin-agent: Processes of the group in one pod container (namespace, pod, container from the containers collector's identity tiers); the namedprocess_namegroup_* families keep process-exporter's labels."

/**
 * odin_namegroup_pod_processes{groupname,namespace,pod,container}: which pod containers an
 * exported group's processes run in. A separate family, so that process-exporter's label
 * sets stay as they are (a group split per pod would break its dashboards' per-group sums
 * and double series). Processes in containers no identity tier names, and bare
 * Docker/podman containers (no namespace or pod), are left out. At most `limit` series;
 * returns the series cut.
 */
async function renderPods(
  ctx: CollectContext,
  pods: ProcessPods,
  f: Families,
  table: ProcessTable,
  groupOf: (p: ProcessRecord) => string | undefined,
  exported: ReadonlySet<string>,
  limit: number,
): Promise<number> {
  const counts = new Map<string, { labels: Record<string, string>; n: number }>()
  // One lookup per container a tick, however many of its processes there are.
  const named = new Map<string, PodOfProcess | undefined>()
  for (const p of table.processes.values()) {
    const cgroup = p.identity.containerCgroup
    if (cgroup?.podUid === undefined) continue
    const group = groupOf(p)
    if (group === undefined || !exported.has(group)) continue
    let where = named.get(cgroup.containerId)
    if (!named.has(cgroup.containerId)) {
      where = await pods.of(cgroup, table.tick, ctx.now())
      named.set(cgroup.containerId, where)
    }
    if (where === undefined || where.pod === '') continue
    const labels = { groupname: group, namespace: where.namespace, pod: where.pod, container: where.container }
    const key = `${group}\0${where.namespace}\0${where.pod}\0${where.container}`
    const c = counts.get(key)
    if (c) c.n++
    else counts.set(key, { labels, n: 1 })
  }
  const sorted = [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  for (const [, c] of sorted.slice(0, limit)) f.gauge('odin_namegroup_pod_processes', PODS_HELP, c.n, c.labels)
  return Math.max(0, sorted.length - limit)
}

export const namedprocessCollector: CollectorEntry = {
  name: 'namedprocess',
  defaultEnabled: true,
  help: 'Per-group process metrics with process-exporter names (groups by comm unless a config is given).',
  families: [
    { name: 'namedprocess_namegroup_context_switches_total', type: 'counter', help: 'Context switches' },
    { name: 'namedprocess_namegroup_cpu_seconds_total', type: 'counter', help: 'Cpu user usage in seconds' },
    { name: 'namedprocess_namegroup_major_page_faults_total', type: 'counter', help: 'Major page faults' },
    { name: 'namedprocess_namegroup_memory_bytes', type: 'gauge', help: 'number of bytes of memory in use' },
    { name: 'namedprocess_namegroup_minor_page_faults_total', type: 'counter', help: 'Minor page faults' },
    { name: 'namedprocess_namegroup_num_procs', type: 'gauge', help: 'number of processes in this group' },
    { name: 'namedprocess_namegroup_num_threads', type: 'gauge', help: 'Number of threads' },
    { name: 'namedprocess_namegroup_oldest_start_time_seconds', type: 'gauge', help: 'start time in seconds since 1970/01/01 of oldest process in group' },
    { name: 'namedprocess_namegroup_open_filedesc', type: 'gauge', help: 'number of open file descriptors for this group' },
    { name: 'namedprocess_namegroup_read_bytes_total', type: 'counter', help: 'number of bytes read by this group' },
    { name: 'namedprocess_namegroup_states', type: 'gauge', help: 'Number of processes in states Running, Sleeping, Waiting, Zombie, or Other' },
    { name: 'namedprocess_namegroup_write_bytes_total', type: 'counter', help: 'number of bytes written by this group' },
    { name: 'odin_process_read_errors_total', type: 'counter', help: 'odin-agent: Per-process /proc reads that failed (process exited mid-read, permission denied, malformed).' },
    { name: 'odin_namegroup_pod_processes', type: 'gauge', help: PODS_HELP },
    DROPPED_DECL,
  ],
  flags: [
    {
      name: 'collector.namedprocess.config',
      kind: 'string',
      default: '',
      check: fileFlagCheck('an existing process-exporter YAML config with process_names', parseNamegroupConfig),
      help: 'process-exporter YAML (process_names with comm/exe/cmdline matchers); empty groups every process by comm.',
    },
    { name: 'collector.namedprocess.children', kind: 'bool', default: true, help: 'With a config: count processes no matcher names in the group of their nearest named ancestor.' },
    {
      name: 'collector.namedprocess.max-groups',
      kind: 'int',
      default: 500,
      help: 'Most groups exported; series of further groups are dropped and counted in odin_series_dropped_total.',
    },
    {
      name: PODS_FLAG,
      kind: 'bool',
      default: true,
      help: 'Add odin_namegroup_pod_processes{groupname,namespace,pod,container}: the pod containers of each exported group (at most max-groups series).',
    },
  ],
  create({ config, processes }) {
    const state = newState(config)
    return {
      async collect(ctx) {
        await loadConfig(ctx, state)
        const table = await processes.table(ctx)
        state.users ??= new UserNames(ctx.fs)
        const users = state.users
        await users.refresh(ctx.now())
        const groupOf = state.config ? configuredGroups(table, state, state.config, users, state.children) : (p: ProcessRecord) => (p.kernelThread ? undefined : p.comm)
        const groups = state.accumulator.update(table, groupOf)
        const f = new Families()
        const kept = capped(groups, state, state.maxGroups)
        render(f, kept)
        if (state.pods) {
          state.dropped += await renderPods(ctx, processes.pods(ctx.fs), f, table, groupOf, new Set(kept.map((g) => g.name)), state.maxGroups)
        }
        for (const reason of REASONS) {
          f.counter(
            'odin_process_read_errors_total',
            'odin-agent: Per-process /proc reads that failed (process exited mid-read, permission denied, malformed).',
            table.readErrors[reason],
            { reason },
          )
        }
        countDropped(f, state.dropped, 'namedprocess')
        return f.list()
      },
    }
  },
}
