import type { Families } from '../metrics/families.ts'
import type { Labels } from '../metrics/types.ts'
import type { ContainerSpec, ContainerStats } from './cgroup-stats.ts'

/**
 * cAdvisor's HELP text, byte for byte as cAdvisor v0.52.1 serves it
 * (metrics/testdata/prometheus_metrics; the kubelet's /metrics/cadvisor is the same set).
 */
export const CADVISOR_HELP = {
  container_cpu_usage_seconds_total: 'Cumulative cpu time consumed in seconds.',
  container_cpu_cfs_periods_total: 'Number of elapsed enforcement period intervals.',
  container_cpu_cfs_throttled_periods_total: 'Number of throttled period intervals.',
  container_cpu_cfs_throttled_seconds_total: 'Total time duration the container has been throttled.',
  container_memory_working_set_bytes: 'Current working set in bytes.',
  container_memory_usage_bytes: 'Current memory usage in bytes, including all memory regardless of when it was accessed',
  container_memory_rss: 'Size of RSS in bytes.',
  container_memory_cache: 'Number of bytes of page cache memory.',
  container_memory_swap: 'Container swap usage in bytes.',
  container_oom_events_total: 'Count of out of memory events observed for the container',
  container_spec_memory_limit_bytes: 'Memory limit for the container.',
  container_spec_cpu_period: 'CPU period of the container.',
  container_spec_cpu_quota: 'CPU quota of the container.',
  container_start_time_seconds: 'Start time of the container since unix epoch in seconds.',
  container_fs_reads_bytes_total: 'Cumulative count of bytes read',
  container_fs_writes_bytes_total: 'Cumulative count of bytes written',
  container_fs_reads_total: 'Cumulative count of reads completed',
  container_fs_writes_total: 'Cumulative count of writes completed',
} as const

export type CadvisorFamily = keyof typeof CADVISOR_HELP

/** --collector.containers.pressure: cAdvisor's PressureMetrics (the kubelet's KubeletPSI gate). */
export const PRESSURE_FAMILIES = [
  ['cpu', 'container_pressure_cpu_waiting_seconds_total', 'container_pressure_cpu_stalled_seconds_total', 'CPU'],
  ['memory', 'container_pressure_memory_waiting_seconds_total', 'container_pressure_memory_stalled_seconds_total', 'memory'],
  ['io', 'container_pressure_io_waiting_seconds_total', 'container_pressure_io_stalled_seconds_total', 'IO'],
] as const

/**
 * --collector.containers.extended: part of cAdvisor's remaining kubelet families, with
 * cAdvisor v0.52.1's HELP text and type (golden file).
 */
export const EXTENDED_FAMILIES = {
  container_cpu_user_seconds_total: ['counter', 'Cumulative user cpu time consumed in seconds.'],
  container_cpu_system_seconds_total: ['counter', 'Cumulative system cpu time consumed in seconds.'],
  container_memory_mapped_file: ['gauge', 'Size of memory mapped files in bytes.'],
  container_memory_failures_total: ['counter', 'Cumulative count of memory allocation failures.'],
  container_memory_total_active_file_bytes: ['gauge', 'Current total active file in bytes.'],
  container_memory_total_inactive_file_bytes: ['gauge', 'Current total inactive file in bytes.'],
  container_processes: ['gauge', 'Number of processes running inside the container.'],
  container_threads: ['gauge', 'Number of threads running inside the container'],
  container_threads_max: ['gauge', 'Maximum number of threads allowed inside the container, infinity if value is zero'],
  container_memory_max_usage_bytes: ['gauge', 'Maximum memory usage recorded in bytes'],
  container_memory_failcnt: ['counter', 'Number of memory usage hits limits'],
  container_memory_kernel_usage: ['gauge', 'Size of kernel memory allocated in bytes.'],
  container_spec_cpu_shares: ['gauge', 'CPU share of the container.'],
  container_spec_memory_reservation_limit_bytes: ['gauge', 'Memory reservation limit for the container.'],
  container_spec_memory_swap_limit_bytes: ['gauge', 'Memory swap limit for the container.'],
  container_file_descriptors: ['gauge', 'Number of open file descriptors for the container.'],
  container_sockets: ['gauge', 'Number of open sockets for the container.'],
  container_ulimits_soft: ['gauge', 'Soft ulimit values for the container root process. Unlimited if -1, except priority and nice'],
  container_last_seen: ['gauge', 'Last time a container was seen by the exporter'],
} as const

type ExtendedFamily = keyof typeof EXTENDED_FAMILIES

function addExtended(f: Families, name: ExtendedFamily, value: number | undefined, labels: Labels): void {
  if (value === undefined) return
  const [type, help] = EXTENDED_FAMILIES[name]
  f.add(name, type, help, labels, value)
}

/** The families' types, as cAdvisor declares them. */
export const CADVISOR_TYPE: Readonly<Record<CadvisorFamily, 'counter' | 'gauge'>> = {
  container_cpu_usage_seconds_total: 'counter',
  container_cpu_cfs_periods_total: 'counter',
  container_cpu_cfs_throttled_periods_total: 'counter',
  container_cpu_cfs_throttled_seconds_total: 'counter',
  container_memory_working_set_bytes: 'gauge',
  container_memory_usage_bytes: 'gauge',
  container_memory_rss: 'gauge',
  container_memory_cache: 'gauge',
  container_memory_swap: 'gauge',
  container_oom_events_total: 'counter',
  container_spec_memory_limit_bytes: 'gauge',
  container_spec_cpu_period: 'gauge',
  container_spec_cpu_quota: 'gauge',
  container_start_time_seconds: 'gauge',
  container_fs_reads_bytes_total: 'counter',
  container_fs_writes_bytes_total: 'counter',
  container_fs_reads_total: 'counter',
  container_fs_writes_total: 'counter',
}

function add(f: Families, name: CadvisorFamily, value: number, labels: Labels): void {
  f.add(name, CADVISOR_TYPE[name], CADVISOR_HELP[name], labels, value)
}

/**
 * One container's cAdvisor families. `labels` is the kubelet's set (container, id, image,
 * name, namespace, pod); `deviceName` turns "major:minor" into the `device` label.
 * Conversions as lib/metrics/prometheus.go: nanoseconds to seconds, CFS quota and period
 * in microseconds as they are, the start time in whole seconds.
 */
export function addContainerFamilies(f: Families, labels: Labels, stats: ContainerStats, spec: ContainerSpec, deviceName: (majMin: string) => string): void {
  if (stats.cpuUsageNanos !== undefined) {
    add(f, 'container_cpu_usage_seconds_total', stats.cpuUsageNanos / 1e9, { ...labels, cpu: 'total' })
  }
  if (spec.cpuQuotaMicros !== undefined && stats.cfs !== undefined) {
    add(f, 'container_cpu_cfs_periods_total', stats.cfs.periods, labels)
    add(f, 'container_cpu_cfs_throttled_periods_total', stats.cfs.throttledPeriods, labels)
    add(f, 'container_cpu_cfs_throttled_seconds_total', stats.cfs.throttledNanos / 1e9, labels)
  }
  const m = stats.memory
  if (m !== undefined) {
    add(f, 'container_memory_cache', m.cache, labels)
    add(f, 'container_memory_rss', m.rss, labels)
    add(f, 'container_memory_swap', m.swap, labels)
    add(f, 'container_memory_usage_bytes', m.usage, labels)
    add(f, 'container_memory_working_set_bytes', m.workingSet, labels)
  }
  if (stats.oomKills !== undefined) {
    add(f, 'container_oom_events_total', stats.oomKills, labels)
  }
  if (spec.cpuPeriodMicros !== undefined) {
    add(f, 'container_spec_cpu_period', spec.cpuPeriodMicros, labels)
    if (spec.cpuQuotaMicros !== undefined) add(f, 'container_spec_cpu_quota', spec.cpuQuotaMicros, labels)
  }
  if (spec.memoryLimit !== undefined) {
    add(f, 'container_spec_memory_limit_bytes', spec.memoryLimit, labels)
  }
  if (spec.startTimeSeconds !== undefined) {
    add(f, 'container_start_time_seconds', spec.startTimeSeconds, labels)
  }
  for (const [resource, waiting, stalled, what] of PRESSURE_FAMILIES) {
    const p = stats.pressure?.[resource]
    if (p === undefined) continue
    f.counter(waiting, `Total time duration tasks in the container have waited due to ${what} congestion.`, p.someMicros / 1e6, labels)
    if (p.fullMicros !== undefined) f.counter(stalled, `Total time duration no tasks in the container could make progress due to ${what} congestion.`, p.fullMicros / 1e6, labels)
  }
  const x = stats.extended
  if (x !== undefined) {
    addExtended(f, 'container_cpu_user_seconds_total', x.userNanos === undefined ? undefined : x.userNanos / 1e9, labels)
    addExtended(f, 'container_cpu_system_seconds_total', x.systemNanos === undefined ? undefined : x.systemNanos / 1e9, labels)
    addExtended(f, 'container_memory_mapped_file', x.mappedFile, labels)
    for (const scope of ['container', 'hierarchy']) {
      addExtended(f, 'container_memory_failures_total', x.pgfault, { ...labels, failure_type: 'pgfault', scope })
      addExtended(f, 'container_memory_failures_total', x.pgmajfault, { ...labels, failure_type: 'pgmajfault', scope })
    }
    addExtended(f, 'container_memory_total_active_file_bytes', x.activeFile, labels)
    addExtended(f, 'container_memory_total_inactive_file_bytes', x.inactiveFile, labels)
    addExtended(f, 'container_processes', x.processes, labels)
    addExtended(f, 'container_threads', x.threads, labels)
    addExtended(f, 'container_threads_max', x.threadsMax, labels)
    addExtended(f, 'container_memory_max_usage_bytes', x.maxUsage, labels)
    addExtended(f, 'container_memory_failcnt', x.failcnt, labels)
    addExtended(f, 'container_memory_kernel_usage', x.kernelUsage, labels)
    addExtended(f, 'container_file_descriptors', x.fileDescriptors, labels)
    addExtended(f, 'container_sockets', x.sockets, labels)
    addExtended(f, 'container_ulimits_soft', x.maxOpenFiles, { ...labels, ulimit: 'max_open_files' })
    addExtended(f, 'container_last_seen', x.lastSeenSeconds, labels)
  }
  const xs = spec.extended
  if (xs !== undefined) {
    addExtended(f, 'container_spec_cpu_shares', xs.cpuShares, labels)
    addExtended(f, 'container_spec_memory_reservation_limit_bytes', xs.memoryReservation, labels)
    addExtended(f, 'container_spec_memory_swap_limit_bytes', xs.memorySwapLimit, labels)
  }
  if (stats.io !== undefined) {
    // Devices with the same name (every number no disk has is "") are summed: one series each.
    const byDevice = new Map<string, { readBytes: number; writeBytes: number; reads: number; writes: number }>()
    for (const [majMin, io] of stats.io) {
      const device = deviceName(majMin)
      const sum = byDevice.get(device)
      if (sum === undefined) byDevice.set(device, { ...io })
      else {
        sum.readBytes += io.readBytes
        sum.writeBytes += io.writeBytes
        sum.reads += io.reads
        sum.writes += io.writes
      }
    }
    for (const [device, io] of byDevice) {
      const l = { ...labels, device }
      add(f, 'container_fs_reads_bytes_total', io.readBytes, l)
      add(f, 'container_fs_reads_total', io.reads, l)
      add(f, 'container_fs_writes_bytes_total', io.writeBytes, l)
      add(f, 'container_fs_writes_total', io.writes, l)
    }
  }
}
