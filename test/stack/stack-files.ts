// Shared readers for the stack tests: rules, dashboards, the metric catalogue and tools.
import { accessSync, constants, readFileSync, readdirSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

/** Absolute path of an executable on PATH (or a usual system dir), or undefined. */
export function findTool(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin', '/usr/sbin']
  for (const dir of dirs.filter((d) => d !== '')) {
    try {
      accessSync(join(dir, name), constants.X_OK)
      return join(dir, name)
    } catch {
      // not here
    }
  }
  return undefined
}

export interface AlertRule {
  file: string
  group: string
  alert: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}
export interface RecordingRule {
  file: string
  group: string
  record: string
  expr: string
}

/** rules/*.yml, top level only (rules/tests holds promtool tests). */
export function ruleFiles(): string[] {
  return readdirSync(join(repoRoot, 'rules'))
    .filter((f) => f.endsWith('.yml'))
    .sort()
}

export function loadRules(): { alerts: AlertRule[]; records: RecordingRule[] } {
  const alerts: AlertRule[] = []
  const records: RecordingRule[] = []
  for (const file of ruleFiles()) {
    const doc = parse(readFileSync(join(repoRoot, 'rules', file), 'utf8')) as {
      groups: { name: string; rules: Record<string, unknown>[] }[]
    }
    for (const g of doc.groups) {
      for (const r of g.rules) {
        if (typeof r.alert === 'string') {
          alerts.push({ file, group: g.name, ...(r as Omit<AlertRule, 'file' | 'group'>) })
        } else {
          records.push({ file, group: g.name, ...(r as Omit<RecordingRule, 'file' | 'group'>) })
        }
      }
    }
  }
  return { alerts, records }
}

export interface Dashboard {
  file: string
  json: Record<string, unknown>
}

export function loadDashboards(): Dashboard[] {
  return readdirSync(join(repoRoot, 'dashboards'))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, json: JSON.parse(readFileSync(join(repoRoot, 'dashboards', file), 'utf8')) as Record<string, unknown> }))
}

export interface Panel {
  type: string
  title: string
  id?: number
  gridPos?: { x: number; y: number; w: number; h: number }
  datasource?: { type: string; uid: string }
  targets?: { refId: string; expr: string; datasource?: { type: string; uid: string } }[]
  panels?: Panel[]
}

export function panelsOf(d: Dashboard): Panel[] {
  const out: Panel[] = []
  const walk = (ps: Panel[]) => {
    for (const p of ps) {
      out.push(p)
      walk(p.panels ?? [])
    }
  }
  walk((d.json.panels ?? []) as Panel[])
  return out
}

export interface Query {
  dashboard: string
  panel: string
  refId: string
  expr: string
  kind: 'prometheus' | 'loki'
}

export function queriesOf(d: Dashboard): Query[] {
  return panelsOf(d).flatMap((p) =>
    (p.targets ?? []).map((t) => ({
      dashboard: d.file,
      panel: p.title,
      refId: t.refId,
      expr: t.expr,
      kind: (t.datasource?.type ?? p.datasource?.type) === 'loki' ? ('loki' as const) : ('prometheus' as const),
    })),
  )
}

export interface Variable {
  name: string
  type: string
  datasource?: { type: string; uid: string }
  definition?: string
  query?: unknown
  allValue?: string
}

export function variablesOf(d: Dashboard): Variable[] {
  return ((d.json.templating as { list?: Variable[] } | undefined)?.list ?? []) as Variable[]
}

const PROMQL_WORDS = new Set([
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'offset', 'bool',
  'sum', 'avg', 'min', 'max', 'count', 'topk', 'bottomk', 'quantile', 'stddev', 'stdvar', 'count_values', 'group',
  'inf', 'nan',
])

/**
 * Metric names in a PromQL expression: identifiers that are not functions, keywords,
 * label names inside {...} or grouping clauses, string contents or durations.
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, '[]')
  const names = new Set<string>()
  for (const m of stripped.matchAll(/(?<![\w.$])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const [, name, call] = m
    if (name === undefined || call !== undefined || PROMQL_WORDS.has(name.toLowerCase())) {
      continue
    }
    names.add(name)
  }
  return [...names].sort()
}

/**
 * Names the agent exports, from the agreed catalogue (/work/brief/CATALOGUE.md), and the
 * node_exporter names the rules and dashboards use. Every node_* name here was checked
 * against node_exporter 1.5 on a live host or, for hardware-only ones (cpufreq, hwmon,
 * thermal zones, RAPL), against the agent's collectors that reproduce node_exporter.
 */
export const CATALOGUE = new Set([
  'odin_agent_build_info', 'node_scrape_collector_success', 'node_scrape_collector_duration_seconds',
  'odin_detector_success', 'odin_detector_duration_seconds',
  'odin_agent_capabilities', 'odin_agent_process_visibility', 'odin_agent_process_visibility_limit',
  'odin_series_dropped_total', 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds',
  'process_max_fds', 'process_start_time_seconds', 'process_virtual_memory_bytes',
  'DCGM_FI_DEV_GPU_TEMP', 'DCGM_FI_DEV_MEMORY_TEMP', 'DCGM_FI_DEV_POWER_USAGE', 'DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION',
  'DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_MEM_COPY_UTIL', 'DCGM_FI_DEV_ENC_UTIL', 'DCGM_FI_DEV_DEC_UTIL',
  'DCGM_FI_DEV_FB_USED', 'DCGM_FI_DEV_FB_FREE', 'DCGM_FI_DEV_SM_CLOCK', 'DCGM_FI_DEV_MEM_CLOCK',
  'DCGM_FI_DEV_POWER_MGMT_LIMIT', 'DCGM_FI_DEV_FAN_SPEED', 'DCGM_FI_DEV_PCIE_REPLAY_COUNTER',
  'DCGM_FI_DEV_ECC_SBE_VOL_TOTAL', 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', 'DCGM_FI_DEV_ECC_SBE_AGG_TOTAL',
  'DCGM_FI_DEV_ECC_DBE_AGG_TOTAL', 'DCGM_FI_DEV_RETIRED_SBE', 'DCGM_FI_DEV_RETIRED_DBE', 'DCGM_FI_DEV_RETIRED_PENDING',
  'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS', 'DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS', 'DCGM_FI_DEV_ROW_REMAP_FAILURE',
  'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS', 'odin_gpu_throttle_reason', 'odin_gpu_info', 'odin_gpu_up',
  'odin_gpu_last_success_timestamp_seconds', 'odin_gpu_collect_failures_total', 'odin_gpu_process_memory_bytes',
  'odin_gpu_xid_errors_total', 'odin_gpu_last_xid_timestamp_seconds',
  'namedprocess_namegroup_num_procs', 'namedprocess_namegroup_cpu_seconds_total', 'namedprocess_namegroup_memory_bytes',
  'namedprocess_namegroup_open_filedesc', 'namedprocess_namegroup_read_bytes_total', 'namedprocess_namegroup_write_bytes_total',
  'namedprocess_namegroup_num_threads', 'namedprocess_namegroup_states', 'namedprocess_namegroup_oldest_start_time_seconds',
  'namedprocess_namegroup_context_switches_total', 'namedprocess_namegroup_major_page_faults_total', 'odin_process_read_errors_total',
  'odin_security_findings_total', 'odin_security_active_threats',
  'odin_anomaly_score', 'odin_anomaly', 'odin_anomaly_model_trained', 'odin_anomaly_model_last_train_timestamp_seconds',
  'odin_disk_fill_eta_seconds',
  // cAdvisor's names (--collector.containers) and the agent's own container series
  'container_cpu_usage_seconds_total', 'container_cpu_cfs_periods_total', 'container_cpu_cfs_throttled_periods_total',
  'container_cpu_cfs_throttled_seconds_total', 'container_memory_working_set_bytes', 'container_memory_usage_bytes',
  'container_memory_rss', 'container_memory_cache', 'container_memory_swap', 'container_oom_events_total',
  'container_spec_memory_limit_bytes', 'container_spec_cpu_period', 'container_spec_cpu_quota', 'container_start_time_seconds',
  'container_fs_reads_bytes_total', 'container_fs_writes_bytes_total', 'container_fs_reads_total', 'container_fs_writes_total',
  'container_network_receive_bytes_total', 'container_network_transmit_bytes_total', 'container_network_receive_packets_total',
  'container_network_transmit_packets_total', 'container_network_receive_packets_dropped_total',
  'container_network_transmit_packets_dropped_total', 'container_network_receive_errors_total', 'container_network_transmit_errors_total',
  'odin_container_info', 'odin_container_restarts_total', 'odin_pod_oom_kills_total', 'odin_containers', 'odin_gpu_container_memory_bytes',
  // node_exporter names
  'node_timex_offset_seconds', 'node_timex_sync_status', 'node_timex_maxerror_seconds', 'node_bonding_slaves', 'node_bonding_active',
  'node_md_disks', 'node_md_disks_required', 'node_timex_estimated_error_seconds', 'node_edac_correctable_errors_total',
  'node_edac_uncorrectable_errors_total',
  'node_boot_time_seconds', 'node_context_switches_total', 'node_cpu_scaling_frequency_hertz', 'node_cpu_seconds_total',
  'node_disk_io_time_seconds_total', 'node_disk_io_time_weighted_seconds_total', 'node_disk_read_bytes_total',
  'node_disk_reads_completed_total', 'node_disk_writes_completed_total', 'node_disk_written_bytes_total',
  'node_filefd_allocated', 'node_filefd_maximum', 'node_filesystem_avail_bytes', 'node_filesystem_files',
  'node_filesystem_files_free', 'node_filesystem_readonly', 'node_filesystem_size_bytes', 'node_forks_total',
  'node_hwmon_temp_celsius', 'node_hwmon_temp_crit_celsius', 'node_intr_total', 'node_load1', 'node_load5', 'node_load15',
  'node_memory_Buffers_bytes', 'node_memory_Cached_bytes', 'node_memory_MemAvailable_bytes', 'node_memory_MemTotal_bytes',
  'node_memory_SwapFree_bytes', 'node_memory_SwapTotal_bytes', 'node_netstat_TcpExt_ListenDrops', 'node_netstat_Tcp_OutRsts',
  'node_netstat_Tcp_RetransSegs', 'node_network_receive_bytes_total', 'node_network_receive_drop_total',
  'node_network_receive_errs_total', 'node_network_receive_packets_total', 'node_network_transmit_bytes_total',
  'node_network_transmit_drop_total', 'node_network_transmit_errs_total', 'node_network_transmit_packets_total',
  'node_nf_conntrack_entries', 'node_nf_conntrack_entries_limit', 'node_pressure_cpu_waiting_seconds_total',
  'node_pressure_io_stalled_seconds_total', 'node_pressure_io_waiting_seconds_total', 'node_pressure_memory_stalled_seconds_total',
  'node_pressure_memory_waiting_seconds_total', 'node_procs_blocked', 'node_procs_running', 'node_rapl_package_joules_total',
  'node_sockstat_TCP_inuse', 'node_sockstat_TCP_tw', 'node_sockstat_UDP_inuse', 'node_textfile_scrape_error',
  'node_thermal_zone_temp', 'node_time_seconds', 'node_vmstat_oom_kill', 'node_vmstat_pgmajfault',
])

/** Series Prometheus itself makes: target health and the alert state. */
export const PROMETHEUS_SERIES = new Set(['up', 'ALERTS'])

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to dashes. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

export function runbookAnchors(): Set<string> {
  const text = readFileSync(join(repoRoot, 'docs', 'runbook.md'), 'utf8')
  const anchors = new Set<string>()
  for (const m of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    anchors.add(githubSlug(m[1] as string))
  }
  return anchors
}
