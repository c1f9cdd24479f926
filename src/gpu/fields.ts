/**
 * The nvidia-smi `-q -x` field mapping: one row per exported metric. The parser reads each
 * row's sources under <gpu> (or <mig_device>), and docs/gpu.md prints the same table.
 * Where a field moved between schema versions, every location is listed and the last one
 * present wins (the rule telegraf's parser uses). A source written as a list is the sum of
 * its members that are present (ECC totals split into SRAM and DRAM parts since v11).
 */

export type FieldKind = 'number' | 'flag' | 'pstate'
export type FieldSource = string | readonly string[]

export interface GpuField {
  readonly metric: string
  readonly type: 'gauge' | 'counter'
  readonly help: string
  readonly sources: readonly FieldSource[]
  /** number (first token, unit dropped), flag (Yes/Active/Enabled = 1), pstate (P8 = 8). */
  readonly kind?: FieldKind
  /** Unit conversion from what nvidia-smi prints: value * mul / div. */
  readonly mul?: number
  readonly div?: number
  /** nvidia-smi's unit -> the metric's unit, for the README table. */
  readonly unit?: string
  /** Sources chosen per GPU (by architecture and product name) instead of `sources`. */
  readonly sourcesFor?: (gpu: GpuModel) => readonly FieldSource[]
}

/** What a field may choose its sources by: `<product_architecture>` and `<product_name>`. */
export interface GpuModel {
  readonly architecture: string
  readonly productName: string
}

const power = (name: string): string[] => [`power_readings/${name}`, `gpu_power_readings/${name}`]

/**
 * Whether NVML's power usage (nvmlDeviceGetPowerUsage, dcgm-exporter's
 * DCGM_FI_DEV_POWER_USAGE) is the instantaneous reading: "On Ampere (except GA100) or newer
 * GPUs, the API returns power averaged over 1 sec interval. On GA100 and older architectures,
 * instantaneous power is returned." GA100 boards: A100, A30, A800.
 */
export function nvmlPowerIsInstant(gpu: GpuModel): boolean {
  return /^(?:Kepler|Maxwell|Pascal|Volta|Turing)$/i.test(gpu.architecture.trim()) || /\bA(?:100|30|800)\b/.test(gpu.productName)
}

/**
 * DCGM_FI_DEV_POWER_USAGE = NVML's power usage. nvidia-smi prints exactly that as
 * `power_draw` where the driver has the element, so it wins (the last present source wins).
 * Drivers that print only `average_power_draw` and `instant_power_draw` (v12 from 570, v13)
 * leave it to the architecture: the instant reading on GA100 and older, the 1 s average on
 * newer GPUs.
 */
const powerUsageSources = (gpu: GpuModel): FieldSource[] =>
  nvmlPowerIsInstant(gpu)
    ? [...power('average_power_draw'), ...power('instant_power_draw'), ...power('power_draw')]
    : [...power('instant_power_draw'), ...power('average_power_draw'), ...power('power_draw')]

const ECC_SBE = (scope: 'volatile' | 'aggregate'): FieldSource[] => [
  `ecc_errors/${scope}/single_bit/total`,
  [`ecc_errors/${scope}/sram_correctable`, `ecc_errors/${scope}/dram_correctable`],
]
const ECC_DBE = (scope: 'volatile' | 'aggregate'): FieldSource[] => [
  `ecc_errors/${scope}/double_bit/total`,
  [
    `ecc_errors/${scope}/sram_uncorrectable`,
    `ecc_errors/${scope}/sram_uncorrectable_parity`,
    `ecc_errors/${scope}/sram_uncorrectable_secded`,
    `ecc_errors/${scope}/dram_uncorrectable`,
  ],
]

/** Per-GPU metrics, labelled {gpu, UUID, device, modelName}. */
export const GPU_FIELDS: readonly GpuField[] = [
  { metric: 'DCGM_FI_DEV_GPU_TEMP', type: 'gauge', help: 'GPU temperature (in C).', sources: ['temperature/gpu_temp'], unit: 'C' },
  { metric: 'DCGM_FI_DEV_MEMORY_TEMP', type: 'gauge', help: 'Memory temperature (in C).', sources: ['temperature/memory_temp'], unit: 'C' },
  { metric: 'DCGM_FI_DEV_SLOWDOWN_TEMP', type: 'gauge', help: 'GPU slowdown temperature (in C).', sources: ['temperature/gpu_temp_slow_threshold'], unit: 'C' },
  { metric: 'DCGM_FI_DEV_SHUTDOWN_TEMP', type: 'gauge', help: 'GPU shutdown temperature (in C).', sources: ['temperature/gpu_temp_max_threshold'], unit: 'C' },
  {
    metric: 'DCGM_FI_DEV_GPU_MAX_OP_TEMP',
    type: 'gauge',
    help: 'Maximum operating temperature of the GPU (in C).',
    sources: ['temperature/gpu_temp_max_gpu_threshold'],
    unit: 'C',
  },
  {
    metric: 'DCGM_FI_DEV_MEM_MAX_OP_TEMP',
    type: 'gauge',
    help: 'Maximum operating temperature of the memory (in C).',
    sources: ['temperature/gpu_temp_max_mem_threshold'],
    unit: 'C',
  },
  {
    metric: 'DCGM_FI_DEV_POWER_USAGE',
    type: 'gauge',
    help: 'Power draw (in W).',
    sources: powerUsageSources({ architecture: 'Hopper', productName: '' }),
    sourcesFor: powerUsageSources,
    unit: 'W',
  },
  { metric: 'DCGM_FI_DEV_POWER_USAGE_INSTANT', type: 'gauge', help: 'Current instantaneous power usage (in W).', sources: power('instant_power_draw'), unit: 'W' },
  {
    metric: 'DCGM_FI_DEV_POWER_MGMT_LIMIT',
    type: 'gauge',
    help: 'Power management limit (in W).',
    sources: ['power_readings/power_limit', 'gpu_power_readings/current_power_limit', 'gpu_power_readings/power_limit'],
    unit: 'W',
  },
  { metric: 'DCGM_FI_DEV_POWER_MGMT_LIMIT_MIN', type: 'gauge', help: 'Minimum power management limit (in W).', sources: power('min_power_limit'), unit: 'W' },
  { metric: 'DCGM_FI_DEV_POWER_MGMT_LIMIT_MAX', type: 'gauge', help: 'Maximum power management limit (in W).', sources: power('max_power_limit'), unit: 'W' },
  { metric: 'DCGM_FI_DEV_POWER_MGMT_LIMIT_DEF', type: 'gauge', help: 'Default power management limit (in W).', sources: power('default_power_limit'), unit: 'W' },
  { metric: 'DCGM_FI_DEV_ENFORCED_POWER_LIMIT', type: 'gauge', help: 'Enforced power limit (in W).', sources: ['power_readings/enforced_power_limit'], unit: 'W' },
  { metric: 'DCGM_FI_DEV_GPU_UTIL', type: 'gauge', help: 'GPU utilization (in %).', sources: ['utilization/gpu_util'], unit: '%' },
  { metric: 'DCGM_FI_DEV_MEM_COPY_UTIL', type: 'gauge', help: 'Memory utilization (in %).', sources: ['utilization/memory_util'], unit: '%' },
  { metric: 'DCGM_FI_DEV_ENC_UTIL', type: 'gauge', help: 'Encoder utilization (in %).', sources: ['utilization/encoder_util'], unit: '%' },
  { metric: 'DCGM_FI_DEV_DEC_UTIL', type: 'gauge', help: 'Decoder utilization (in %).', sources: ['utilization/decoder_util'], unit: '%' },
  { metric: 'DCGM_FI_DEV_FB_TOTAL', type: 'gauge', help: 'Framebuffer memory total (in MiB).', sources: ['fb_memory_usage/total'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_FB_USED', type: 'gauge', help: 'Framebuffer memory used (in MiB).', sources: ['fb_memory_usage/used'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_FB_FREE', type: 'gauge', help: 'Framebuffer memory free (in MiB).', sources: ['fb_memory_usage/free'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_FB_RESERVED', type: 'gauge', help: 'Framebuffer memory reserved (in MiB).', sources: ['fb_memory_usage/reserved'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_BAR1_TOTAL', type: 'gauge', help: 'BAR1 memory total (in MiB).', sources: ['bar1_memory_usage/total'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_BAR1_USED', type: 'gauge', help: 'BAR1 memory used (in MiB).', sources: ['bar1_memory_usage/used'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_BAR1_FREE', type: 'gauge', help: 'BAR1 memory free (in MiB).', sources: ['bar1_memory_usage/free'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_SM_CLOCK', type: 'gauge', help: 'SM clock frequency (in MHz).', sources: ['clocks/sm_clock'], unit: 'MHz' },
  { metric: 'DCGM_FI_DEV_MEM_CLOCK', type: 'gauge', help: 'Memory clock frequency (in MHz).', sources: ['clocks/mem_clock'], unit: 'MHz' },
  { metric: 'DCGM_FI_DEV_VIDEO_CLOCK', type: 'gauge', help: 'Video encoder/decoder clock frequency (in MHz).', sources: ['clocks/video_clock'], unit: 'MHz' },
  { metric: 'DCGM_FI_DEV_MAX_SM_CLOCK', type: 'gauge', help: 'Maximum SM clock frequency (in MHz).', sources: ['max_clocks/sm_clock'], unit: 'MHz' },
  { metric: 'DCGM_FI_DEV_MAX_MEM_CLOCK', type: 'gauge', help: 'Maximum memory clock frequency (in MHz).', sources: ['max_clocks/mem_clock'], unit: 'MHz' },
  { metric: 'DCGM_FI_DEV_MAX_VIDEO_CLOCK', type: 'gauge', help: 'Maximum video clock frequency (in MHz).', sources: ['max_clocks/video_clock'], unit: 'MHz' },
  { metric: 'DCGM_FI_DEV_FAN_SPEED', type: 'gauge', help: 'Fan speed (in %).', sources: ['fan_speed'], unit: '%' },
  {
    metric: 'DCGM_FI_DEV_PSTATE',
    type: 'gauge',
    help: 'Performance state (P-state) 0-15; 0 is the highest.',
    sources: ['performance_state'],
    kind: 'pstate',
    unit: 'P0-P15 -> 0-15',
  },
  { metric: 'DCGM_FI_DEV_PCIE_REPLAY_COUNTER', type: 'counter', help: 'Total number of PCIe retries.', sources: ['pci/replay_counter'] },
  { metric: 'DCGM_FI_DEV_PCIE_LINK_GEN', type: 'gauge', help: 'Current PCIe link generation.', sources: ['pci/pci_gpu_link_info/pcie_gen/current_link_gen'] },
  { metric: 'DCGM_FI_DEV_PCIE_MAX_LINK_GEN', type: 'gauge', help: 'Maximum PCIe link generation.', sources: ['pci/pci_gpu_link_info/pcie_gen/max_link_gen'] },
  {
    metric: 'DCGM_FI_DEV_PCIE_LINK_WIDTH',
    type: 'gauge',
    help: 'Current PCIe link width (lanes).',
    sources: ['pci/pci_gpu_link_info/link_widths/current_link_width'],
    unit: '16x -> 16',
  },
  {
    metric: 'DCGM_FI_DEV_PCIE_MAX_LINK_WIDTH',
    type: 'gauge',
    help: 'Maximum PCIe link width (lanes).',
    sources: ['pci/pci_gpu_link_info/link_widths/max_link_width'],
    unit: '16x -> 16',
  },
  { metric: 'DCGM_FI_DEV_ECC_CURRENT', type: 'gauge', help: 'Current ECC mode (1 enabled, 0 disabled).', sources: ['ecc_mode/current_ecc'], kind: 'flag' },
  { metric: 'DCGM_FI_DEV_ECC_SBE_VOL_TOTAL', type: 'counter', help: 'Total number of single-bit volatile ECC errors.', sources: ECC_SBE('volatile') },
  { metric: 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', type: 'counter', help: 'Total number of double-bit volatile ECC errors.', sources: ECC_DBE('volatile') },
  { metric: 'DCGM_FI_DEV_ECC_SBE_AGG_TOTAL', type: 'counter', help: 'Total number of single-bit persistent ECC errors.', sources: ECC_SBE('aggregate') },
  { metric: 'DCGM_FI_DEV_ECC_DBE_AGG_TOTAL', type: 'counter', help: 'Total number of double-bit persistent ECC errors.', sources: ECC_DBE('aggregate') },
  {
    metric: 'DCGM_FI_DEV_RETIRED_SBE',
    type: 'counter',
    help: 'Total number of retired pages due to single-bit errors.',
    sources: ['retired_pages/multiple_single_bit_retirement/retired_count'],
  },
  {
    metric: 'DCGM_FI_DEV_RETIRED_DBE',
    type: 'counter',
    help: 'Total number of retired pages due to double-bit errors.',
    sources: ['retired_pages/double_bit_retirement/retired_count'],
  },
  {
    metric: 'DCGM_FI_DEV_RETIRED_PENDING',
    type: 'gauge',
    help: 'Whether pages are pending retirement (1 yes, 0 no).',
    sources: ['retired_pages/pending_retirement'],
    kind: 'flag',
  },
  { metric: 'DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS', type: 'counter', help: 'Number of remapped rows for correctable errors.', sources: ['remapped_rows/remapped_row_corr'] },
  { metric: 'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS', type: 'counter', help: 'Number of remapped rows for uncorrectable errors.', sources: ['remapped_rows/remapped_row_unc'] },
  {
    metric: 'DCGM_FI_DEV_ROW_REMAP_PENDING',
    type: 'gauge',
    help: 'Whether row remapping is pending (1 yes, 0 no).',
    sources: ['remapped_rows/remapped_row_pending'],
    kind: 'flag',
  },
  { metric: 'DCGM_FI_DEV_ROW_REMAP_FAILURE', type: 'gauge', help: 'Whether remapping of rows has failed.', sources: ['remapped_rows/remapped_row_failure'], kind: 'flag' },
  // What dcgm-exporter does not export: odin_gpu_*, base units.
  {
    metric: 'odin_gpu_graphics_clock_hertz',
    type: 'gauge',
    help: 'odin-agent: Graphics clock frequency in hertz.',
    sources: ['clocks/graphics_clock'],
    mul: 1e6,
    unit: 'MHz -> Hz',
  },
  {
    metric: 'odin_gpu_pcie_rx_bytes_per_second',
    type: 'gauge',
    help: 'odin-agent: PCIe receive throughput sampled by NVML, in bytes per second.',
    sources: ['pci/rx_util'],
    mul: 1024,
    unit: 'KB/s -> B/s',
  },
  {
    metric: 'odin_gpu_pcie_tx_bytes_per_second',
    type: 'gauge',
    help: 'odin-agent: PCIe transmit throughput sampled by NVML, in bytes per second.',
    sources: ['pci/tx_util'],
    mul: 1024,
    unit: 'KB/s -> B/s',
  },
  {
    metric: 'odin_gpu_jpeg_utilization_ratio',
    type: 'gauge',
    help: 'odin-agent: JPEG decoder utilization (0-1).',
    sources: ['utilization/jpeg_util'],
    div: 100,
    unit: '% -> ratio',
  },
  {
    metric: 'odin_gpu_ofa_utilization_ratio',
    type: 'gauge',
    help: 'odin-agent: Optical flow accelerator utilization (0-1).',
    sources: ['utilization/ofa_util'],
    div: 100,
    unit: '% -> ratio',
  },
  { metric: 'odin_gpu_encoder_sessions', type: 'gauge', help: 'odin-agent: Active encoder sessions.', sources: ['encoder_stats/session_count'] },
  { metric: 'odin_gpu_encoder_average_fps', type: 'gauge', help: 'odin-agent: Average encoder frames per second.', sources: ['encoder_stats/average_fps'] },
  {
    metric: 'odin_gpu_encoder_average_latency_seconds',
    type: 'gauge',
    help: 'odin-agent: Average encoder latency in seconds.',
    sources: ['encoder_stats/average_latency'],
    div: 1e6,
    unit: 'us -> s',
  },
  { metric: 'odin_gpu_fbc_sessions', type: 'gauge', help: 'odin-agent: Active frame buffer capture sessions.', sources: ['fbc_stats/session_count'] },
  { metric: 'odin_gpu_fbc_average_fps', type: 'gauge', help: 'odin-agent: Average frame buffer capture frames per second.', sources: ['fbc_stats/average_fps'] },
  {
    metric: 'odin_gpu_fbc_average_latency_seconds',
    type: 'gauge',
    help: 'odin-agent: Average frame buffer capture latency in seconds.',
    sources: ['fbc_stats/average_latency'],
    div: 1e6,
    unit: 'us -> s',
  },
  {
    metric: 'odin_gpu_mig_mode_enabled',
    type: 'gauge',
    help: 'odin-agent: Whether MIG mode is currently enabled (1) or disabled (0).',
    sources: ['mig_mode/current_mig'],
    kind: 'flag',
  },
  {
    metric: 'odin_gpu_channel_repair_pending',
    type: 'gauge',
    help: 'odin-agent: Whether a memory channel repair is pending (1 yes).',
    sources: ['ecc_errors/channel_repair_pending'],
    kind: 'flag',
  },
  { metric: 'odin_gpu_tpc_repair_pending', type: 'gauge', help: 'odin-agent: Whether a TPC repair is pending (1 yes).', sources: ['ecc_errors/tpc_repair_pending'], kind: 'flag' },
]

/** Per-MIG-instance metrics, labelled {gpu, UUID, device, modelName, GPU_I_ID, GPU_I_PROFILE}. */
export const MIG_FIELDS: readonly GpuField[] = [
  { metric: 'DCGM_FI_DEV_FB_TOTAL', type: 'gauge', help: 'Framebuffer memory total (in MiB).', sources: ['fb_memory_usage/total'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_FB_USED', type: 'gauge', help: 'Framebuffer memory used (in MiB).', sources: ['fb_memory_usage/used'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_FB_FREE', type: 'gauge', help: 'Framebuffer memory free (in MiB).', sources: ['fb_memory_usage/free'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_FB_RESERVED', type: 'gauge', help: 'Framebuffer memory reserved (in MiB).', sources: ['fb_memory_usage/reserved'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_BAR1_TOTAL', type: 'gauge', help: 'BAR1 memory total (in MiB).', sources: ['bar1_memory_usage/total'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_BAR1_USED', type: 'gauge', help: 'BAR1 memory used (in MiB).', sources: ['bar1_memory_usage/used'], unit: 'MiB' },
  { metric: 'DCGM_FI_DEV_BAR1_FREE', type: 'gauge', help: 'BAR1 memory free (in MiB).', sources: ['bar1_memory_usage/free'], unit: 'MiB' },
  {
    metric: 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL',
    type: 'counter',
    help: 'Total number of double-bit volatile ECC errors.',
    sources: ['ecc_error_count/volatile_count/sram_uncorrectable'],
  },
]

/**
 * Clock throttle ("event") reasons: NVML's bit, and the element suffix under
 * <clocks_throttle_reasons> (drivers before 535) or <clocks_event_reasons> (535+).
 */
export const THROTTLE_REASONS: readonly { readonly reason: string; readonly bit: number }[] = [
  { reason: 'gpu_idle', bit: 0x1 },
  { reason: 'applications_clocks_setting', bit: 0x2 },
  { reason: 'sw_power_cap', bit: 0x4 },
  { reason: 'hw_slowdown', bit: 0x8 },
  { reason: 'sync_boost', bit: 0x10 },
  { reason: 'sw_thermal_slowdown', bit: 0x20 },
  { reason: 'hw_thermal_slowdown', bit: 0x40 },
  { reason: 'hw_power_brake_slowdown', bit: 0x80 },
  { reason: 'display_clocks_setting', bit: 0x100 },
]

/** v13 <clocks_event_reasons_counters> (microseconds) -> our reason label. */
export const THROTTLE_COUNTERS: readonly { readonly element: string; readonly reason: string }[] = [
  { element: 'clocks_event_reasons_counters_sw_power_cap', reason: 'sw_power_cap' },
  { element: 'clocks_event_reasons_counters_sync_boost', reason: 'sync_boost' },
  { element: 'clocks_event_reasons_counters_sw_therm_slowdown', reason: 'sw_thermal_slowdown' },
  { element: 'clocks_event_reasons_counters_hw_therm_slowdown', reason: 'hw_thermal_slowdown' },
  { element: 'clocks_event_reasons_counters_hw_power_brake', reason: 'hw_power_brake_slowdown' },
]

/** Applies a row's unit conversion. The peer check uses this same function. */
export function convert(field: Pick<GpuField, 'mul' | 'div'>, value: number): number {
  let v = value
  if (field.mul !== undefined) {
    v *= field.mul
  }
  if (field.div !== undefined) {
    v /= field.div
  }
  return v
}
