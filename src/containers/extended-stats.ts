import { join } from 'node:path'
import type { HostFS } from '../platform/host-fs.ts'
import { parseCgroupKeyed } from '../procfs/cgroup-stat.ts'
import type { CgroupKeyed } from '../procfs/cgroup-stat.ts'
import { parseCgroupUint } from '../procfs/cgroup-value.ts'
import type { CgroupLayout } from './cgroup-layout.ts'
import { dirOf, maybe } from './cgroup-stats.ts'
import type { ContainerSpec, ContainerStats } from './cgroup-stats.ts'

/**
 * --collector.containers.extended: part of cAdvisor's remaining kubelet families (the
 * study's §1.3 rows), with cAdvisor's formulas (lib/container/libcontainer/handler.go
 * setCPUStats, setMemoryStats, setThreadsStats, processStatsFromProcs). A value is absent
 * where its file or key is.
 */
export interface ExtendedStats {
  /** v2 cpu.stat user_usec/system_usec × 1000; v1 cpuacct.stat user/system ticks × 1e9/100. */
  readonly userNanos?: number
  readonly systemNanos?: number
  /** v2 memory.stat file_mapped; v1 total_mapped_file (use_hierarchy) or mapped_file. */
  readonly mappedFile?: number
  /** memory.stat pgfault / pgmajfault (the local keys on v1, as cAdvisor; the same value for both scopes). */
  readonly pgfault?: number
  readonly pgmajfault?: number
  /** v2 active_file/inactive_file; v1 total_active_file/total_inactive_file. */
  readonly activeFile?: number
  readonly inactiveFile?: number
  /** Lines of cgroup.procs (v2: the container's directory; v1: its cpu controller directory). */
  readonly processes?: number
  /** pids.current and pids.max (`max` → 0): v2 the container's directory, v1 its pids hierarchy. */
  readonly threads?: number
  readonly threadsMax?: number
  /** v2 memory.peak (kernel ≥ 5.19), else 0; v1 memory.max_usage_in_bytes. */
  readonly maxUsage?: number
  /** v1 memory.failcnt; v2 0 (runc's fs2 never sets it). */
  readonly failcnt?: number
  /** v1 memory.kmem.usage_in_bytes; v2 0. */
  readonly kernelUsage?: number
  /** Entries of /proc/<pid>/fd over the cgroup.procs PIDs, and those whose link is a socket (cAdvisor's processStatsFromProcs). */
  readonly fileDescriptors?: number
  readonly sockets?: number
  /** `Max open files` soft limit of the container's lowest PID (cAdvisor's root process), -1 when unlimited. */
  readonly maxOpenFiles?: number
  /** container_last_seen: the tick's time in seconds. */
  readonly lastSeenSeconds?: number
}

/** cAdvisor's clockTicks for cpuacct.stat (runc fs/cpuacct.go). */
const USER_HZ = 100

function soft<T>(text: string | undefined, parse: (t: string) => T): T | undefined {
  if (text === undefined) return undefined
  try {
    return parse(text)
  } catch {
    return undefined
  }
}

function pidsOf(text: string): number[] {
  const out: number[] = []
  for (const line of text.split('\n')) {
    const t = line.trim()
    if (/^\d+$/.test(t)) out.push(Number(t))
  }
  return out
}

/** Most PIDs whose descriptors are counted per container per tick (a fork bomb stops here). */
const MAX_FD_PIDS = 1024

/**
 * cAdvisor's processStatsFromProcs: for each PID in cgroup.procs, the entries of
 * <procfs>/<pid>/fd and those linking to `socket:[...]`; the root process's `Max open
 * files` soft limit from <procfs>/<pid>/limits. A process that exits mid-read counts what
 * was read. Undefined when no PID's fd directory could be listed.
 */
async function processFiles(fs: HostFS, pids: readonly number[]): Promise<Pick<ExtendedStats, 'fileDescriptors' | 'sockets' | 'maxOpenFiles'>> {
  let fds: number | undefined
  let sockets = 0
  for (const pid of pids.slice(0, MAX_FD_PIDS)) {
    const dir = fs.proc(String(pid), 'fd')
    const names = await fs.readdir(dir).catch(() => undefined)
    if (names === undefined) continue
    fds = (fds ?? 0) + names.length
    for (const n of names) {
      const target = await fs.readlink(`${dir}/${n}`).catch(() => '')
      if (target.startsWith('socket')) sockets++
    }
  }
  const root = pids.length === 0 ? undefined : Math.min(...pids)
  const limits = root === undefined ? undefined : await fs.readFile(fs.proc(String(root), 'limits')).catch(() => undefined)
  const m = limits === undefined ? null : /^Max open files\s+(\S+)/m.exec(limits)
  const maxOpenFiles = m ? (m[1] === 'unlimited' ? -1 : Number.isFinite(Number(m[1])) ? Number(m[1]) : undefined) : undefined
  return { fileDescriptors: fds, sockets: fds === undefined ? undefined : sockets, maxOpenFiles }
}

const zeroIfAbsent = (v: number | undefined, present: boolean) => (v !== undefined ? v : present ? 0 : undefined)

export async function readExtended(fs: HostFS, layout: CgroupLayout, rel: string, spec: ContainerSpec, stats: ContainerStats, nowSeconds?: number): Promise<ExtendedStats> {
  const mem: CgroupKeyed | undefined = stats.raw?.memoryStat
  const m = (k: string) => mem?.values.get(k)
  if (layout.unified) {
    const dir = layout.discovery + rel
    const [procs, current, max, peak] = await Promise.all([
      maybe(fs, join(dir, 'cgroup.procs')),
      maybe(fs, join(dir, 'pids.current')),
      maybe(fs, join(dir, 'pids.max')),
      maybe(fs, join(dir, 'memory.peak')),
    ])
    const pids = procs === undefined ? [] : pidsOf(procs)
    const memory = stats.memory !== undefined
    const cpu = stats.raw?.cpuStat
    const usec = (k: string) => {
      const v = cpu?.values.get(k)
      return v === undefined ? undefined : v * 1000
    }
    return {
      userNanos: usec('user_usec'),
      systemNanos: usec('system_usec'),
      mappedFile: m('file_mapped'),
      pgfault: m('pgfault'),
      pgmajfault: m('pgmajfault'),
      activeFile: m('active_file'),
      inactiveFile: m('inactive_file'),
      processes: procs === undefined ? undefined : pids.length,
      threads: soft(current, (t) => parseCgroupUint(t, join(dir, 'pids.current'))),
      threadsMax: soft(max, (t) => (t.trim() === 'max' ? 0 : parseCgroupUint(t, join(dir, 'pids.max')))),
      maxUsage: zeroIfAbsent(
        soft(peak, (t) => parseCgroupUint(t, join(dir, 'memory.peak'))),
        memory,
      ),
      failcnt: memory ? 0 : undefined,
      kernelUsage: memory ? 0 : undefined,
      ...(await processFiles(fs, pids)),
      lastSeenSeconds: nowSeconds,
    }
  }
  const cpuacct = dirOf(layout, 'cpuacct', rel)
  const cpu = dirOf(layout, 'cpu', rel)
  const memDir = dirOf(layout, 'memory', rel)
  const pidsDir = dirOf(layout, 'pids', rel)
  const at = (dir: string | undefined, file: string) => (dir === undefined ? undefined : maybe(fs, join(dir, file)))
  const [acct, procs, maxUsage, failcnt, kmem, current, max] = await Promise.all([
    at(cpuacct, 'cpuacct.stat'),
    at(cpu, 'cgroup.procs'),
    at(memDir, 'memory.max_usage_in_bytes'),
    at(memDir, 'memory.failcnt'),
    at(memDir, 'memory.kmem.usage_in_bytes'),
    at(pidsDir, 'pids.current'),
    at(pidsDir, 'pids.max'),
  ])
  const pids = procs === undefined ? [] : pidsOf(procs)
  const uint = (text: string | undefined, file: string) => soft(text, (t) => parseCgroupUint(t, file))
  const ticks = soft(acct, parseCgroupKeyed)
  const ns = (k: string) => {
    const v = ticks?.values.get(k)
    return v === undefined ? undefined : (v * 1e9) / USER_HZ
  }
  return {
    userNanos: ns('user'),
    systemNanos: ns('system'),
    mappedFile: m(spec.useHierarchy ? 'total_mapped_file' : 'mapped_file'),
    pgfault: m('pgfault'),
    pgmajfault: m('pgmajfault'),
    activeFile: m('total_active_file'),
    inactiveFile: m('total_inactive_file'),
    processes: procs === undefined ? undefined : pids.length,
    threads: uint(current, 'pids.current'),
    threadsMax: soft(max, (t) => (t.trim() === 'max' ? 0 : parseCgroupUint(t, 'pids.max'))),
    maxUsage: uint(maxUsage, 'memory.max_usage_in_bytes'),
    failcnt: uint(failcnt, 'memory.failcnt'),
    kernelUsage: uint(kmem, 'memory.kmem.usage_in_bytes'),
    ...(await processFiles(fs, pids)),
    lastSeenSeconds: nowSeconds,
  }
}
