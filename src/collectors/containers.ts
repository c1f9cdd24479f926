import { flagBool, flagNumber, flagString } from '../config/config.ts'
import type { AgentConfig } from '../config/config.ts'
import { Families } from '../metrics/families.ts'
import { detectLayout } from '../containers/cgroup-layout.ts'
import type { CgroupLayout } from '../containers/cgroup-layout.ts'
import { findContainerCgroups } from '../containers/cgroup-walk.ts'
import type { ContainerClass } from '../containers/cgroup-walk.ts'
import { CgroupVanishedError, readSpec, readStats } from '../containers/cgroup-stats.ts'
import type { ContainerSpec, ContainerStats, ReadMemo } from '../containers/cgroup-stats.ts'
import { EXTENDED_FAMILIES, addContainerFamilies } from '../containers/container-families.ts'
import { readDeviceNames } from '../containers/device-names.ts'
import { IdentityResolver } from '../containers/identity.ts'
import { KubeletTier, checkKubeletUrl, checkReadableFile } from '../containers/kubelet-tier.ts'
import { KernelOomLog } from '../containers/kernel-oom-log.ts'
import { PodOomKills } from '../containers/pod-oom.ts'
import { addNetworkFamilies, readSandboxInterfaces } from '../containers/sandbox-network.ts'
import { parseCgroupKeyed } from '../procfs/cgroup-stat.ts'
import type { Resolved } from '../containers/identity.ts'
import type { CollectorEntry, CollectContext } from './types.ts'
import { NoDataError } from './types.ts'
import { DROPPED_DECL, countDropped } from '../metrics/dropped.ts'

const MAX_FLAG = 'collector.containers.max-containers'
const PRESSURE_FLAG = 'collector.containers.pressure'
const KMSG_FLAG = 'collector.containers.kmsg-path'
const EXTENDED_FLAG = 'collector.containers.extended'
const KUBELET_URL_FLAG = 'collector.containers.kubelet-url'
const KUBELET_TOKEN_FLAG = 'collector.containers.kubelet-token-file'
const KUBELET_CA_FLAG = 'collector.containers.kubelet-ca-file'
const KUBELET_INSECURE_FLAG = 'collector.containers.kubelet-insecure-skip-verify'
const DEFAULT_MAX = 200
/** Limits, quota, period and start time change rarely: re-read at most this often. */
const SPEC_REFRESH_MS = 60_000
/** Block device numbers are re-read at most this often. */
const DEVICES_REFRESH_MS = 300_000
/** Series a container cut by the cap is counted as in odin_series_dropped_total. */
const SERIES_PER_CONTAINER = 11

interface State {
  /** Most containers exposed (--collector.containers.max-containers). */
  readonly limit: number
  readonly options: { readonly pressure: boolean; readonly extended: boolean }
  /** --collector.containers.kmsg-path */
  readonly kmsgPath: string
  readonly resolver: IdentityResolver
  readonly podOom: PodOomKills
  /** v1 only: the kernel log's oom-kill records (created on the first v1 tick). */
  kmsg: KernelOomLog | undefined
  /** The opt-in kubelet /pods tier (--collector.containers.kubelet-url), its settings read at creation. */
  readonly kubeletOptions: { readonly url: string; readonly tokenFile: string; readonly caFile: string; readonly insecureSkipVerify: boolean }
  /** Created on the first tick when its URL is set (null: not set). */
  kubelet: KubeletTier | undefined | null
  readonly specs: Map<string, { spec: ContainerSpec; at: number }>
  readonly memos: Map<string, ReadMemo>
  /** Container cgroup paths exposed last tick: they keep their place under the cap. */
  exposed: Set<string>
  droppedSeries: number
  devices: { names: Map<string, string>; at: number } | undefined
  bootTime: number | undefined | null
}

function newState(config: AgentConfig): State {
  const max = flagNumber(config, MAX_FLAG)
  return {
    limit: Number.isFinite(max) && max >= 0 ? max : DEFAULT_MAX,
    options: { pressure: flagBool(config, PRESSURE_FLAG), extended: flagBool(config, EXTENDED_FLAG) },
    kmsgPath: flagString(config, KMSG_FLAG),
    resolver: new IdentityResolver(),
    podOom: new PodOomKills(),
    kmsg: undefined,
    kubeletOptions: {
      url: flagString(config, KUBELET_URL_FLAG),
      tokenFile: flagString(config, KUBELET_TOKEN_FLAG),
      caFile: flagString(config, KUBELET_CA_FLAG),
      insecureSkipVerify: flagBool(config, KUBELET_INSECURE_FLAG),
    },
    kubelet: undefined,
    specs: new Map(),
    memos: new Map(),
    exposed: new Set(),
    droppedSeries: 0,
    devices: undefined,
    bootTime: null,
  }
}

async function bootTime(ctx: CollectContext, state: State): Promise<number | undefined> {
  if (state.bootTime === null) {
    const text = await ctx.fs.readFile(ctx.fs.proc('stat')).catch(() => '')
    const m = /^btime (\d+)$/m.exec(text)
    state.bootTime = m ? Number(m[1]) : undefined
  }
  return state.bootTime
}

async function deviceNames(ctx: CollectContext, state: State): Promise<Map<string, string>> {
  const now = ctx.now()
  if (!state.devices || now - state.devices.at > DEVICES_REFRESH_MS) {
    state.devices = { names: await readDeviceNames(ctx.fs), at: now }
  }
  return state.devices.names
}

async function specFor(ctx: CollectContext, state: State, layout: CgroupLayout, path: string): Promise<ContainerSpec> {
  const now = ctx.now()
  const cached = state.specs.get(path)
  if (cached && now - cached.at < SPEC_REFRESH_MS) return cached.spec
  const spec = await readSpec(ctx.fs, layout, path, await bootTime(ctx, state), now / 1000, state.options.extended)
  state.specs.set(path, { spec, at: now })
  return spec
}

interface Sampled {
  readonly path: string
  readonly cls: ContainerClass
  readonly who: Resolved
  readonly stats: ContainerStats
  readonly spec: ContainerSpec
}

const COUNTS_HELP = 'odin-agent: Container cgroups seen this tick by identity state (resolved and exposed, unresolved, dropped by the cap, pod sandbox).'

/**
 * cAdvisor's default container families read from the cgroup filesystem (v1, v2, hybrid),
 * with names from the runtime's files and the kubelet's log tree (src/containers/).
 */
export const containersCollector: CollectorEntry = {
  name: 'containers',
  defaultEnabled: true,
  help: 'Per-container CPU, memory, OOM, limits, block IO and pod network with cAdvisor names, from cgroups (does nothing where no container cgroup exists).',
  families: [
    // --collector.containers.extended: from its table, HELP and type as cAdvisor v0.52.1 prints them.
    ...Object.entries(EXTENDED_FAMILIES).map(([name, [type, help]]) => ({ name, type, help })),
    { name: 'container_cpu_cfs_periods_total', type: 'counter', help: 'Number of elapsed enforcement period intervals.' },
    { name: 'container_cpu_cfs_throttled_periods_total', type: 'counter', help: 'Number of throttled period intervals.' },
    { name: 'container_cpu_cfs_throttled_seconds_total', type: 'counter', help: 'Total time duration the container has been throttled.' },
    { name: 'container_cpu_usage_seconds_total', type: 'counter', help: 'Cumulative cpu time consumed in seconds.' },
    { name: 'container_fs_reads_bytes_total', type: 'counter', help: 'Cumulative count of bytes read' },
    { name: 'container_fs_reads_total', type: 'counter', help: 'Cumulative count of reads completed' },
    { name: 'container_fs_writes_bytes_total', type: 'counter', help: 'Cumulative count of bytes written' },
    { name: 'container_fs_writes_total', type: 'counter', help: 'Cumulative count of writes completed' },
    { name: 'container_memory_cache', type: 'gauge', help: 'Number of bytes of page cache memory.' },
    { name: 'container_memory_rss', type: 'gauge', help: 'Size of RSS in bytes.' },
    { name: 'container_memory_swap', type: 'gauge', help: 'Container swap usage in bytes.' },
    { name: 'container_memory_usage_bytes', type: 'gauge', help: 'Current memory usage in bytes, including all memory regardless of when it was accessed' },
    { name: 'container_memory_working_set_bytes', type: 'gauge', help: 'Current working set in bytes.' },
    { name: 'container_network_receive_bytes_total', type: 'counter', help: 'Cumulative count of bytes received' },
    { name: 'container_network_receive_errors_total', type: 'counter', help: 'Cumulative count of errors encountered while receiving' },
    { name: 'container_network_receive_packets_dropped_total', type: 'counter', help: 'Cumulative count of packets dropped while receiving' },
    { name: 'container_network_receive_packets_total', type: 'counter', help: 'Cumulative count of packets received' },
    { name: 'container_network_transmit_bytes_total', type: 'counter', help: 'Cumulative count of bytes transmitted' },
    { name: 'container_network_transmit_errors_total', type: 'counter', help: 'Cumulative count of errors encountered while transmitting' },
    { name: 'container_network_transmit_packets_dropped_total', type: 'counter', help: 'Cumulative count of packets dropped while transmitting' },
    { name: 'container_network_transmit_packets_total', type: 'counter', help: 'Cumulative count of packets transmitted' },
    { name: 'container_oom_events_total', type: 'counter', help: 'Count of out of memory events observed for the container' },
    { name: 'container_pressure_cpu_stalled_seconds_total', type: 'counter', help: 'Total time duration no tasks in the container could make progress due to CPU congestion.' },
    { name: 'container_pressure_cpu_waiting_seconds_total', type: 'counter', help: 'Total time duration tasks in the container have waited due to CPU congestion.' },
    { name: 'container_pressure_io_stalled_seconds_total', type: 'counter', help: 'Total time duration no tasks in the container could make progress due to IO congestion.' },
    { name: 'container_pressure_io_waiting_seconds_total', type: 'counter', help: 'Total time duration tasks in the container have waited due to IO congestion.' },
    {
      name: 'container_pressure_memory_stalled_seconds_total',
      type: 'counter',
      help: 'Total time duration no tasks in the container could make progress due to memory congestion.',
    },
    { name: 'container_pressure_memory_waiting_seconds_total', type: 'counter', help: 'Total time duration tasks in the container have waited due to memory congestion.' },
    { name: 'container_spec_cpu_period', type: 'gauge', help: 'CPU period of the container.' },
    { name: 'container_spec_cpu_quota', type: 'gauge', help: 'CPU quota of the container.' },
    { name: 'container_spec_memory_limit_bytes', type: 'gauge', help: 'Memory limit for the container.' },
    { name: 'container_start_time_seconds', type: 'gauge', help: 'Start time of the container since unix epoch in seconds.' },
    { name: 'odin_container_info', type: 'gauge', help: 'odin-agent: A container the agent resolved, with its identity; value 1.' },
    {
      name: 'odin_container_restarts_total',
      type: 'counter',
      help: 'odin-agent: Restarts of the container, N of the kubelet log file <container>/<N>.log of its running instance.',
    },
    { name: 'odin_containers', type: 'gauge', help: COUNTS_HELP },
    {
      name: 'odin_pod_oom_kills_total',
      type: 'counter',
      help: 'odin-agent: OOM kills in the pod, its containers that are gone included (v2: the pod cgroup memory.events oom_kill; v1: the sum over its containers of the larger of their oom_kill counter and their kernel-log oom-kill records).',
    },
    DROPPED_DECL,
  ],
  flags: [
    {
      name: MAX_FLAG,
      kind: 'int',
      min: 0,
      default: DEFAULT_MAX,
      help: 'Most containers exported; series of further containers are dropped and counted in odin_series_dropped_total.',
    },
    { name: PRESSURE_FLAG, kind: 'bool', default: false, help: "Add cAdvisor's container_pressure_{cpu,memory,io}_{waiting,stalled}_seconds_total from the cgroup v2 PSI files." },
    {
      name: EXTENDED_FLAG,
      kind: 'bool',
      default: false,
      help: "Add cAdvisor's remaining kubelet families: container_cpu_{user,system}_seconds_total, container_memory_{mapped_file,failures_total,total_active_file_bytes,total_inactive_file_bytes,max_usage_bytes,failcnt,kernel_usage}, container_spec_{cpu_shares,memory_reservation_limit_bytes,memory_swap_limit_bytes}, container_processes, container_threads{,_max}, container_file_descriptors, container_sockets, container_ulimits_soft and container_last_seen (4-7 more reads per container, plus a readdir per process and a readlink per descriptor).",
    },
    {
      name: KUBELET_URL_FLAG,
      kind: 'string',
      default: '',
      check: checkKubeletUrl,
      help: "The kubelet's pod list (e.g. https://$NODE_IP:10250/pods), a fourth identity tier for containers the runtime files and log tree miss; off when empty (the agent then calls no API). Fetched in the background, at most every 10 s.",
    },
    {
      name: KUBELET_TOKEN_FLAG,
      kind: 'string',
      default: '',
      check: checkReadableFile('token'),
      help: 'Bearer token file for --collector.containers.kubelet-url (a projected service-account token; re-read per request).',
    },
    {
      name: KUBELET_CA_FLAG,
      kind: 'string',
      default: '',
      check: checkReadableFile('PEM CA'),
      help: "PEM CA bundle the kubelet's serving certificate must chain to (default: the system's).",
    },
    {
      name: KUBELET_INSECURE_FLAG,
      kind: 'bool',
      default: false,
      help: "Do not verify the kubelet's serving certificate (kubeadm's kubelets serve a self-signed one unless serverTLSBootstrap is on).",
    },
    {
      name: KMSG_FLAG,
      kind: 'string',
      default: '/dev/kmsg',
      help: "Kernel log whose oom-kill records add, on cgroup v1, kills in containers removed before a tick read their counter to odin_pod_oom_kills_total ('' to not read it).",
    },
  ],
  create({ config }) {
    const state = newState(config)
    return {
      async collect(ctx) {
        const layout = await detectLayout(ctx.fs)
        if (!layout) throw new NoDataError(`${ctx.fs.sys('fs', 'cgroup')} holds no cgroup hierarchy`)
        const found = findContainerCgroups(layout.discovery)
        if (found.containers.length === 0) throw new NoDataError('no container cgroup found')
        await state.resolver.refreshLogTree(ctx.fs)
        state.resolver.retain(new Set(found.containers.map((c) => c.cls.containerId)))
        const now = ctx.now()
        const kubelet = kubeletTier(ctx, state)
        const counts = { resolved: 0, unresolved: 0, dropped: 0, sandbox: 0 }
        const candidates: { path: string; cls: ContainerClass; who: Resolved }[] = []
        const sandboxes: { path: string; who: Resolved }[] = []
        for (const { path, cls } of found.containers) {
          const who = await state.resolver.resolve(ctx.fs, cls, now, kubelet?.pods)
          if (who === undefined) counts.unresolved++
          else if (who.sandbox) sandboxes.push({ path, who })
          else candidates.push({ path, cls, who })
        }
        counts.sandbox = sandboxes.length
        void kubelet?.refresh(now, counts.unresolved > 0)
        // Deterministic cap: last tick's containers keep their place, then new ones by path.
        const { limit } = state
        const options = { ...state.options, nowSeconds: Math.floor(now / 1000) }
        candidates.sort((a, b) => Number(state.exposed.has(b.path)) - Number(state.exposed.has(a.path)) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
        const kept = candidates.slice(0, limit)
        const cut = candidates.slice(limit)
        const sampled: Sampled[] = []
        for (const c of kept) {
          const spec = await specFor(ctx, state, layout, c.path)
          try {
            let memo = state.memos.get(c.path)
            if (!memo) {
              memo = {}
              state.memos.set(c.path, memo)
            }
            const stats = await readStats(ctx.fs, layout, c.path, spec, memo, options, (err) =>
              ctx.log.debug('container cgroup file not parsed; its families are left out', { id: c.path, err: err.message }),
            )
            sampled.push({ ...c, stats, spec })
          } catch (err) {
            if (!(err instanceof CgroupVanishedError)) throw err
            state.specs.delete(c.path)
          }
        }
        const present = new Set(found.containers.map((c) => c.path))
        for (const p of state.specs.keys()) if (!present.has(p)) state.specs.delete(p)
        for (const p of state.memos.keys()) if (!present.has(p)) state.memos.delete(p)
        state.exposed = new Set(sampled.map((s) => s.path))
        counts.resolved = sampled.length
        counts.dropped = cut.length

        const devices = await deviceNames(ctx, state)
        const device = (majMin: string) => devices.get(majMin) ?? ''
        const f = new Families()
        for (const s of sampled) {
          addContainerFamilies(f, labelsOf(s.path, s.who), s.stats, s.spec, device)
        }
        // Not read, so counted at the default set's size (cpu, 5 memory, oom, 2 spec, start, info).
        state.droppedSeries += cut.length * SERIES_PER_CONTAINER
        await addPodOomKills(ctx, f, state, layout, found.pods, [...candidates, ...sandboxes], sampled)
        // Pod network on the sandbox; sandboxes share the cap (in path order) with containers.
        for (const sb of sandboxes.slice(0, limit)) {
          const nics = await readSandboxInterfaces(ctx.fs, layout.discovery + sb.path)
          if (nics !== undefined) addNetworkFamilies(f, labelsOf(sb.path, sb.who), nics)
        }
        for (const s of sampled) {
          const w = s.who
          f.gauge('odin_container_info', 'odin-agent: A container the agent resolved, with its identity; value 1.', 1, {
            namespace: w.namespace,
            pod: w.pod,
            container: w.container,
            uid: w.podUid,
            container_id: s.cls.containerId,
            image: w.image,
            qos_class: s.cls.qos ?? '',
            runtime: w.runtime,
          })
          if (w.restarts !== undefined) {
            f.counter(
              'odin_container_restarts_total',
              'odin-agent: Restarts of the container, N of the kubelet log file <container>/<N>.log of its running instance.',
              w.restarts,
              {
                namespace: w.namespace,
                pod: w.pod,
                container: w.container,
                uid: w.podUid,
              },
            )
          }
        }
        for (const [stateName, n] of Object.entries(counts)) f.gauge('odin_containers', COUNTS_HELP, n, { state: stateName })
        countDropped(f, state.droppedSeries, 'containers')
        return f.list()
      },
      close() {
        state.kmsg?.close()
      },
    }
  },
}

/** The kubelet /pods tier when --collector.containers.kubelet-url is set, else undefined. */
function kubeletTier(ctx: CollectContext, state: State): KubeletTier | undefined {
  if (state.kubelet === undefined) {
    const { url, tokenFile, caFile, insecureSkipVerify } = state.kubeletOptions
    state.kubelet =
      url === ''
        ? null
        : new KubeletTier({ url: new URL(url), tokenFile, caFile, insecureSkipVerify }, (err) =>
            err === undefined
              ? ctx.log.info('kubelet pod list read', { url })
              : ctx.log.warn('kubelet pod list not read; containers the other tiers miss stay unresolved', { url, err }),
          )
  }
  return state.kubelet ?? undefined
}

/** The kubelet's cAdvisor label set: id is the cgroup path, name the runtime's name for it. */
function labelsOf(path: string, who: Resolved): Record<string, string> {
  return { container: who.container, id: path, image: who.image, name: who.name, namespace: who.namespace, pod: who.pod }
}

/**
 * odin_pod_oom_kills_total{namespace,pod,uid} for every pod cgroup one of whose containers
 * (or its sandbox) was named: v2 reads the pod's hierarchical memory.events, v1 sums the
 * containers' counters and the kernel log's oom-kill records (src/containers/pod-oom.ts).
 */
async function addPodOomKills(
  ctx: CollectContext,
  f: Families,
  state: State,
  layout: CgroupLayout,
  pods: readonly { path: string; cls: { podUid: string } }[],
  named: readonly { who: Resolved }[],
  sampled: readonly Sampled[],
): Promise<void> {
  for (const s of sampled) {
    if (s.cls.podUid !== undefined && s.stats.oomKills !== undefined) state.podOom.observe(s.cls.podUid, s.cls.containerId, s.stats.oomKills)
  }
  if (!layout.unified) {
    state.kmsg ??= new KernelOomLog(state.kmsgPath)
    const before = state.kmsg.unavailable
    for (const k of state.kmsg.drain()) state.podOom.logKill(k.podUid, k.containerId)
    const after = state.kmsg.unavailable
    if (before === undefined && after !== undefined) {
      ctx.log.info('kernel log not read: v1 pod OOM kills come from the container counters only', { err: after })
    }
  }
  state.podOom.retain(new Set(pods.map((p) => p.cls.podUid)))
  const names = new Map<string, Resolved>()
  for (const n of named) if (n.who.podUid !== '') names.set(n.who.podUid, n.who)
  for (const pod of pods) {
    const who = names.get(pod.cls.podUid)
    if (who === undefined) continue
    let kills: number | undefined
    if (layout.unified) {
      const text = await ctx.fs.readFile(`${layout.discovery}${pod.path}/memory.events`).catch(() => undefined)
      kills = text === undefined ? undefined : parseCgroupKeyed(text).values.get('oom_kill')
    } else {
      kills = state.podOom.total(pod.cls.podUid)
    }
    if (kills !== undefined) {
      f.counter(
        'odin_pod_oom_kills_total',
        'odin-agent: OOM kills in the pod, its containers that are gone included (v2: the pod cgroup memory.events oom_kill; v1: the sum over its containers of the larger of their oom_kill counter and their kernel-log oom-kill records).',
        kills,
        {
          namespace: who.namespace,
          pod: who.pod,
          uid: pod.cls.podUid,
        },
      )
    }
  }
}
