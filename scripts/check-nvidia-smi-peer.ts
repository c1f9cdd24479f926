/**
 * Checks the nvidia-smi parser and dcgm-exporter mapping against real captures kept outside
 * the project (../shared/peer/nvidia-smi: 12 from telegraf, 2 from netdata). Every capture
 * must parse, and every expected value that has a metric in our mapping must come out
 * exactly. Prints matched/expected; exits 0 when all match, and skips (exit 0) when
 * ../shared is absent.
 *
 *   npx bun scripts/check-nvidia-smi-peer.ts
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { addReportFamilies } from '../src/gpu/gpu-families.ts'
import { parseNvidiaSmiXml, programName } from '../src/gpu/nvidia-smi-xml.ts'
import { Families } from '../src/metrics/families.ts'
import type { MetricFamily } from '../src/metrics/types.ts'

export const PEER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/peer/nvidia-smi')

type Value = number | string
/** How an expected value is found among our families: metric, labels, and the unit change. */
interface Target {
  readonly metric: string
  readonly labels?: Record<string, string>
  /** Expected value (in the peer's unit) -> the value our metric must have. */
  readonly want?: (v: Value) => Value
  /** Read a label instead of the sample value. */
  readonly label?: string
  /** Compare with a function of our value (e.g. netdata truncates watts). */
  readonly got?: (v: number) => number
}

const MiB = 1024 * 1024
const num = (v: Value) => Number(v)
const flag = (v: Value) => (v === 'Yes' || v === 'Enabled' || v === 'Active' ? 1 : v === 'No' || v === 'Disabled' || v === 'Not Active' ? 0 : Number.NaN)
const times = (k: number) => (v: Value) => Number(v) * k
const over = (k: number) => (v: Value) => Number(v) / k

const TELEGRAF_FIELDS: Record<string, Target> = {
  driver_version: { metric: 'odin_gpu_info', label: 'driver_version' },
  cuda_version: { metric: 'odin_gpu_info', label: 'cuda_version' },
  vbios_version: { metric: 'odin_gpu_info', label: 'vbios_version' },
  fan_speed: { metric: 'DCGM_FI_DEV_FAN_SPEED' },
  memory_total: { metric: 'DCGM_FI_DEV_FB_TOTAL' },
  memory_used: { metric: 'DCGM_FI_DEV_FB_USED' },
  memory_free: { metric: 'DCGM_FI_DEV_FB_FREE' },
  memory_reserved: { metric: 'DCGM_FI_DEV_FB_RESERVED' },
  current_ecc: { metric: 'DCGM_FI_DEV_ECC_CURRENT', want: flag },
  retired_pages_multiple_single_bit: { metric: 'DCGM_FI_DEV_RETIRED_SBE' },
  retired_pages_double_bit: { metric: 'DCGM_FI_DEV_RETIRED_DBE' },
  retired_pages_pending: { metric: 'DCGM_FI_DEV_RETIRED_PENDING', want: flag },
  remapped_rows_correctable: { metric: 'DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS' },
  remapped_rows_uncorrectable: { metric: 'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS' },
  remapped_rows_pending: { metric: 'DCGM_FI_DEV_ROW_REMAP_PENDING', want: flag },
  remapped_rows_failure: { metric: 'DCGM_FI_DEV_ROW_REMAP_FAILURE', want: flag },
  temperature_gpu: { metric: 'DCGM_FI_DEV_GPU_TEMP' },
  temperature_memory: { metric: 'DCGM_FI_DEV_MEMORY_TEMP' },
  temperature_max_threshold: { metric: 'DCGM_FI_DEV_SHUTDOWN_TEMP' },
  temperature_slow_threshold: { metric: 'DCGM_FI_DEV_SLOWDOWN_TEMP' },
  temperature_max_gpu_threshold: { metric: 'DCGM_FI_DEV_GPU_MAX_OP_TEMP' },
  temperature_max_mem_threshold: { metric: 'DCGM_FI_DEV_MEM_MAX_OP_TEMP' },
  utilization_gpu: { metric: 'DCGM_FI_DEV_GPU_UTIL' },
  utilization_memory: { metric: 'DCGM_FI_DEV_MEM_COPY_UTIL' },
  utilization_encoder: { metric: 'DCGM_FI_DEV_ENC_UTIL' },
  utilization_decoder: { metric: 'DCGM_FI_DEV_DEC_UTIL' },
  utilization_jpeg: { metric: 'odin_gpu_jpeg_utilization_ratio', want: over(100) },
  utilization_ofa: { metric: 'odin_gpu_ofa_utilization_ratio', want: over(100) },
  pcie_link_gen_current: { metric: 'DCGM_FI_DEV_PCIE_LINK_GEN' },
  pcie_link_width_current: { metric: 'DCGM_FI_DEV_PCIE_LINK_WIDTH' },
  pcie_rx_util: { metric: 'odin_gpu_pcie_rx_bytes_per_second', want: times(1024) },
  pcie_tx_util: { metric: 'odin_gpu_pcie_tx_bytes_per_second', want: times(1024) },
  encoder_stats_session_count: { metric: 'odin_gpu_encoder_sessions' },
  encoder_stats_average_fps: { metric: 'odin_gpu_encoder_average_fps' },
  encoder_stats_average_latency: { metric: 'odin_gpu_encoder_average_latency_seconds', want: over(1e6) },
  fbc_stats_session_count: { metric: 'odin_gpu_fbc_sessions' },
  fbc_stats_average_fps: { metric: 'odin_gpu_fbc_average_fps' },
  fbc_stats_average_latency: { metric: 'odin_gpu_fbc_average_latency_seconds', want: over(1e6) },
  clocks_current_graphics: { metric: 'odin_gpu_graphics_clock_hertz', want: times(1e6) },
  clocks_current_sm: { metric: 'DCGM_FI_DEV_SM_CLOCK' },
  clocks_current_memory: { metric: 'DCGM_FI_DEV_MEM_CLOCK' },
  clocks_current_video: { metric: 'DCGM_FI_DEV_VIDEO_CLOCK' },
  ecc_errors_channel_repair_pending: { metric: 'odin_gpu_channel_repair_pending', want: flag },
  ecc_errors_tpc_repair_pending: { metric: 'odin_gpu_tpc_repair_pending', want: flag },
  power_draw_average: { metric: 'DCGM_FI_DEV_POWER_USAGE' },
  power_limit: { metric: 'DCGM_FI_DEV_POWER_MGMT_LIMIT' },
  power_limit_default: { metric: 'DCGM_FI_DEV_POWER_MGMT_LIMIT_DEF' },
  power_limit_min: { metric: 'DCGM_FI_DEV_POWER_MGMT_LIMIT_MIN' },
  power_limit_max: { metric: 'DCGM_FI_DEV_POWER_MGMT_LIMIT_MAX' },
}
const COUNTER_REASON: Record<string, string> = {
  sw_power_cap: 'sw_power_cap',
  sync_boost: 'sync_boost',
  sw_therm_slowdown: 'sw_thermal_slowdown',
  hw_therm_slowdown: 'hw_thermal_slowdown',
  hw_power_brake: 'hw_power_brake_slowdown',
}

function telegrafTarget(field: string, fams: readonly MetricFamily[], gpu: Record<string, string>): Target | undefined {
  if (field === 'power_draw') {
    // telegraf's power_draw is the instant reading where the driver prints one (v12 570+,
    // v13), else the one power_draw element; we keep both, as dcgm-exporter does.
    const instant = sample(fams, 'DCGM_FI_DEV_POWER_USAGE_INSTANT', gpu) !== undefined
    return { metric: instant ? 'DCGM_FI_DEV_POWER_USAGE_INSTANT' : 'DCGM_FI_DEV_POWER_USAGE' }
  }
  let m = /^clocks_event_reason_(.+)$/.exec(field)
  if (m) {
    return { metric: 'odin_gpu_throttle_reason', labels: { reason: m[1] as string } }
  }
  m = /^clocks_event_reasons_counters_(.+)$/.exec(field)
  if (m && COUNTER_REASON[m[1] as string]) {
    return { metric: 'odin_gpu_throttle_reason_seconds_total', labels: { reason: COUNTER_REASON[m[1] as string] as string }, want: over(1e6) }
  }
  return TELEGRAF_FIELDS[field]
}

function sample(fams: readonly MetricFamily[], metric: string, labels: Record<string, string>) {
  return fams.find((f) => f.name === metric)?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))
}

interface Tally {
  matched: number
  expected: number
  unmapped: Map<string, number>
  mismatches: string[]
}

function compare(t: Tally, where: string, fams: readonly MetricFamily[], labels: Record<string, string>, target: Target | undefined, field: string, value: Value): void {
  if (!target) {
    t.unmapped.set(field, (t.unmapped.get(field) ?? 0) + 1)
    return
  }
  t.expected++
  const s = sample(fams, target.metric, { ...labels, ...target.labels })
  const got: Value | undefined = s === undefined ? undefined : target.label ? s.labels[target.label] : (target.got ?? ((x: number) => x))(s.value)
  const want = (target.want ?? (typeof value === 'number' ? num : (v: Value) => v))(value)
  if (got === want) {
    t.matched++
  } else {
    t.mismatches.push(`${where} ${field}: expected ${JSON.stringify(want)} from ${target.metric}${JSON.stringify({ ...labels, ...target.labels })}, got ${JSON.stringify(got)}`)
  }
}

function familiesOf(xml: string): { fams: MetricFamily[]; report: ReturnType<typeof parseNvidiaSmiXml> } {
  const report = parseNvidiaSmiXml(xml)
  const f = new Families()
  addReportFamilies(f, report, Number.POSITIVE_INFINITY)
  return { fams: f.list(), report }
}

interface TelegrafMetric {
  measurement: string
  tags: Record<string, string>
  fields: Record<string, Value>
}

function checkTelegraf(dir: string, t: Tally): void {
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { fixtures: Record<string, { metrics: TelegrafMetric[] }> }
  for (const [file, fx] of Object.entries(expected.fixtures)) {
    const { fams, report } = familiesOf(readFileSync(join(dir, 'telegraf', file), 'utf8'))
    const procs = new Map<string, number>()
    for (const m of fx.metrics) {
      const gpu = report.gpus[Number(m.tags.index ?? 0)]
      const gpuLabels = { gpu: String(gpu?.index ?? m.tags.index), UUID: m.tags.uuid ?? '' }
      if (m.measurement === 'nvidia_smi') {
        compare(t, file, fams, gpuLabels, { metric: 'DCGM_FI_DEV_GPU_TEMP', label: 'UUID' }, 'tag uuid', m.tags.uuid ?? '')
        compare(t, file, fams, { gpu: gpuLabels.gpu }, { metric: 'odin_gpu_info', label: 'modelName' }, 'tag name', m.tags.name ?? '')
        compare(t, file, fams, gpuLabels, { metric: 'DCGM_FI_DEV_PSTATE', want: (v) => Number(String(v).slice(1)) }, 'tag pstate', m.tags.pstate ?? '')
        for (const [field, value] of Object.entries(m.fields)) {
          compare(t, file, fams, gpuLabels, telegrafTarget(field, fams, gpuLabels), field, value)
        }
      } else if (m.measurement === 'nvidia_smi_mig') {
        const labels = { gpu: '0', UUID: m.tags.uuid ?? '', GPU_I_ID: m.tags.gpu_index ?? '' }
        for (const [field, value] of Object.entries(m.fields)) {
          const fb = /^memory_(fb|bar1)_(total|used|free|reserved)$/.exec(field)
          const target: Target | undefined = fb
            ? { metric: `DCGM_FI_DEV_${fb[1] === 'fb' ? 'FB' : 'BAR1'}_${(fb[2] as string).toUpperCase()}` }
            : field === 'sram_uncorrectable'
              ? { metric: 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL' }
              : undefined
          compare(t, `${file} mig ${m.tags.index}`, fams, labels, target, field, value)
        }
      } else if (m.measurement === 'nvidia_smi_process') {
        // Our series is per program name (no PIDs): sum the expected processes per name.
        const name = programName(m.tags.name ?? '')
        procs.set(name, (procs.get(name) ?? 0) + Number(m.fields.used_memory))
        t.unmapped.set('process pid', (t.unmapped.get('process pid') ?? 0) + 1)
      }
    }
    for (const [name, mib] of procs) {
      compare(t, file, fams, { gpu: '0', process: name }, { metric: 'odin_gpu_process_memory_bytes', want: times(MiB) }, 'process used_memory', mib)
    }
  }
}

function netdataTarget(metric: string): Target | undefined {
  const mem = /^(bar1|frame_buffer)_memory_usage_(free|used|reserved)$/.exec(metric)
  if (mem) {
    return { metric: `DCGM_FI_DEV_${mem[1] === 'bar1' ? 'BAR1' : 'FB'}_${(mem[2] as string).toUpperCase()}`, want: over(MiB) }
  }
  const pstate = /^performance_state_P(\d+)$/.exec(metric)
  if (pstate) {
    return { metric: 'DCGM_FI_DEV_PSTATE', got: (v) => (v === Number(pstate[1]) ? 1 : 0) }
  }
  const table: Record<string, Target> = {
    graphics_clock: { metric: 'odin_gpu_graphics_clock_hertz', want: times(1e6) },
    mem_clock: { metric: 'DCGM_FI_DEV_MEM_CLOCK' },
    sm_clock: { metric: 'DCGM_FI_DEV_SM_CLOCK' },
    video_clock: { metric: 'DCGM_FI_DEV_VIDEO_CLOCK' },
    temperature: { metric: 'DCGM_FI_DEV_GPU_TEMP' },
    power_draw: { metric: 'DCGM_FI_DEV_POWER_USAGE', got: Math.trunc },
    gpu_utilization: { metric: 'DCGM_FI_DEV_GPU_UTIL' },
    mem_utilization: { metric: 'DCGM_FI_DEV_MEM_COPY_UTIL' },
    encoder_utilization: { metric: 'DCGM_FI_DEV_ENC_UTIL' },
    decoder_utilization: { metric: 'DCGM_FI_DEV_DEC_UTIL' },
    pcie_bandwidth_usage_rx: { metric: 'odin_gpu_pcie_rx_bytes_per_second' },
    pcie_bandwidth_usage_tx: { metric: 'odin_gpu_pcie_tx_bytes_per_second' },
    mig_current_mode_enabled: { metric: 'odin_gpu_mig_mode_enabled' },
    mig_current_mode_disabled: { metric: 'odin_gpu_mig_mode_enabled', got: (v) => 1 - v },
    ecc_error_sram_uncorrectable: { metric: 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL' },
  }
  return table[metric]
}

function checkNetdata(dir: string, t: Tally): void {
  const expected = JSON.parse(readFileSync(join(dir, 'netdata', 'expected.json'), 'utf8')) as { fixtures: Record<string, { expected: Record<string, number> }> }
  for (const [file, fx] of Object.entries(expected.fixtures)) {
    if (!file.endsWith('.xml')) {
      continue // the CSV case is --query-gpu output, not -q -x
    }
    const { fams } = familiesOf(readFileSync(join(dir, 'netdata', file), 'utf8'))
    for (const [key, value] of Object.entries(fx.expected)) {
      const m = /^(?:mig_instance_(\d+)_)?gpu_(GPU-[0-9a-f-]{36})_(.+)$/.exec(key)
      if (!m) {
        t.unmapped.set(key, 1)
        continue
      }
      const [, mig, uuid, metric] = m as unknown as [string, string | undefined, string, string]
      const labels: Record<string, string> = { UUID: uuid, ...(mig ? { GPU_I_ID: mig } : {}) }
      if (metric === 'mig_devices_count') {
        const n = new Set(
          fams
            .find((f) => f.name === 'DCGM_FI_DEV_FB_USED')
            ?.samples.filter((s) => s.labels.UUID === uuid && s.labels.GPU_I_ID)
            .map((s) => s.labels.GPU_I_ID),
        ).size
        t.expected++
        if (n === value) {
          t.matched++
        } else {
          t.mismatches.push(`${file} ${key}: expected ${value}, got ${n}`)
        }
        continue
      }
      const target = netdataTarget(metric)
      if (!mig && target) {
        // Parent-GPU series carry no GPU_I_ID; pick the sample without one.
        const s = fams.find((f) => f.name === target.metric)?.samples.find((x) => x.labels.UUID === uuid && x.labels.GPU_I_ID === undefined)
        labels.gpu = s?.labels.gpu ?? '0'
      }
      compare(
        t,
        `netdata/${file}`,
        mig ? fams : fams.map((f) => ({ ...f, samples: f.samples.filter((s) => s.labels.GPU_I_ID === undefined) })),
        labels,
        target,
        metric.replace(/_P\d+$/, '_P*'),
        value,
      )
    }
  }
}

export interface PeerCheckResult {
  readonly captures: number
  readonly parsed: number
  readonly parseErrors: readonly string[]
  readonly matched: number
  readonly expected: number
  readonly unmapped: ReadonlyMap<string, number>
  readonly mismatches: readonly string[]
}

export function checkNvidiaSmiPeer(dir = PEER_DIR): PeerCheckResult {
  const parseErrors: string[] = []
  let captures = 0
  for (const sub of ['telegraf', 'netdata']) {
    for (const file of readdirSync(join(dir, sub)).filter((f) => f.endsWith('.xml'))) {
      captures++
      try {
        parseNvidiaSmiXml(readFileSync(join(dir, sub, file), 'utf8'))
      } catch (err) {
        parseErrors.push(`${sub}/${file}: ${(err as Error).message}`)
      }
    }
  }
  const t: Tally = { matched: 0, expected: 0, unmapped: new Map(), mismatches: [] }
  checkTelegraf(dir, t)
  checkNetdata(dir, t)
  return { captures, parsed: captures - parseErrors.length, parseErrors, ...t }
}

function main(): number {
  if (!existsSync(PEER_DIR)) {
    console.log(`skipped: ${PEER_DIR} not found (the peer captures live beside the clone, in ../shared)`)
    return 0
  }
  const r = checkNvidiaSmiPeer()
  console.log(`captures parsed: ${r.parsed}/${r.captures}`)
  for (const e of r.parseErrors) {
    console.log(`  parse error: ${e}`)
  }
  console.log(`values matched: ${r.matched}/${r.expected}`)
  for (const m of r.mismatches) {
    console.log(`  mismatch: ${m}`)
  }
  const unmappedValues = [...r.unmapped.values()].reduce((a, b) => a + b, 0)
  console.log(`not in our mapping (${unmappedValues} values): ${[...r.unmapped.keys()].sort().join(', ')}`)
  return r.parsed === r.captures && r.matched === r.expected ? 0 : 1
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exit(main())
}
