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
  /** v2 pids.current and pids.max (`max` → 0); v1 reads no pids hierarchy. */
  readonly threads?: number
  readonly threadsMax?: number
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

function countLines(text: string): number {
  let n = 0
  for (const line of text.split('\n')) if (line.trim() !== '') n++
  return n
}

export async function readExtended(fs: HostFS, layout: CgroupLayout, rel: string, spec: ContainerSpec, stats: ContainerStats): Promise<ExtendedStats> {
  const mem: CgroupKeyed | undefined = stats.raw?.memoryStat
  const m = (k: string) => mem?.values.get(k)
  if (layout.unified) {
    const dir = layout.discovery + rel
    const [procs, current, max] = await Promise.all([maybe(fs, join(dir, 'cgroup.procs')), maybe(fs, join(dir, 'pids.current')), maybe(fs, join(dir, 'pids.max'))])
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
      processes: procs === undefined ? undefined : countLines(procs),
      threads: soft(current, (t) => parseCgroupUint(t, join(dir, 'pids.current'))),
      threadsMax: soft(max, (t) => (t.trim() === 'max' ? 0 : parseCgroupUint(t, join(dir, 'pids.max')))),
    }
  }
  const cpuacct = dirOf(layout, 'cpuacct', rel)
  const cpu = dirOf(layout, 'cpu', rel)
  const [acct, procs] = await Promise.all([cpuacct === undefined ? undefined : maybe(fs, join(cpuacct, 'cpuacct.stat')), cpu === undefined ? undefined : maybe(fs, join(cpu, 'cgroup.procs'))])
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
    processes: procs === undefined ? undefined : countLines(procs),
  }
}
