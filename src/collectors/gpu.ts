import { DROPPED_DECL } from '../metrics/dropped.ts'
import { isAbsolute } from 'node:path'
import { flagNumber, flagString } from '../config/config.ts'
import { GpuContainerMemory } from '../gpu/gpu-containers.ts'
import { addHealthFamilies, addReportFamilies } from '../gpu/gpu-families.ts'
import { GpuSampler } from '../gpu/gpu-sampler.ts'
import type { GpuInventory } from '../gpu/inventory.ts'
import { Families } from '../metrics/families.ts'
import type { CollectorEntry, CollectorInstance } from './types.ts'
import { NoDataError } from './types.ts'

export interface GpuCollectorOptions {
  /** Tests only: the agent passes its own in create's dependencies. */
  readonly inventory?: GpuInventory
  /** Environment for nvidia-smi. Tests only: the agent passes the Exec default. */
  readonly env?: Record<string, string>
  /**
   * How long collect() waits for the run it starts before serving the previous result;
   * default a tenth of the sampler interval, at most 500 ms.
   */
  readonly waitMs?: number
}

export interface GpuCollectorInstance extends CollectorInstance {
  /** The background runner, once the first collect has created it. */
  readonly sampler: GpuSampler | undefined
  /** Kills an nvidia-smi in flight and waits until it is reaped. */
  close(): Promise<void>
}

/** A result older than this many sampler intervals is not served (only odin_gpu_* health). */
const FRESH_INTERVALS = 2
const MAX_WAIT_MS = 500

/**
 * NVIDIA GPUs through `nvidia-smi -q -x`, exposed with dcgm-exporter's names. nvidia-smi
 * runs in the background (GpuSampler): collect() starts at most one run, waits for it
 * briefly, and otherwise serves the latest finished result, so a wedged nvidia-smi never
 * holds up the sampler tick.
 */
export function createGpuCollector(options: GpuCollectorOptions = {}): CollectorEntry<GpuCollectorInstance> {
  return {
    name: 'gpu',
    defaultEnabled: true,
    help: 'Exposes NVIDIA GPU metrics from nvidia-smi with dcgm-exporter names.',
    families: [
      { name: 'DCGM_FI_DEV_BAR1_FREE', type: 'gauge', help: 'BAR1 memory free (in MiB).' },
      { name: 'DCGM_FI_DEV_BAR1_TOTAL', type: 'gauge', help: 'BAR1 memory total (in MiB).' },
      { name: 'DCGM_FI_DEV_BAR1_USED', type: 'gauge', help: 'BAR1 memory used (in MiB).' },
      { name: 'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS', type: 'gauge', help: 'Current clock throttle reasons (bitmask of nvmlClocksThrottleReasons).' },
      { name: 'DCGM_FI_DEV_CORRECTABLE_REMAPPED_ROWS', type: 'counter', help: 'Number of remapped rows for correctable errors.' },
      { name: 'DCGM_FI_DEV_DEC_UTIL', type: 'gauge', help: 'Decoder utilization (in %).' },
      { name: 'DCGM_FI_DEV_ECC_CURRENT', type: 'gauge', help: 'Current ECC mode (1 enabled, 0 disabled).' },
      { name: 'DCGM_FI_DEV_ECC_DBE_AGG_TOTAL', type: 'counter', help: 'Total number of double-bit persistent ECC errors.' },
      { name: 'DCGM_FI_DEV_ECC_DBE_VOL_TOTAL', type: 'counter', help: 'Total number of double-bit volatile ECC errors.' },
      { name: 'DCGM_FI_DEV_ECC_SBE_AGG_TOTAL', type: 'counter', help: 'Total number of single-bit persistent ECC errors.' },
      { name: 'DCGM_FI_DEV_ECC_SBE_VOL_TOTAL', type: 'counter', help: 'Total number of single-bit volatile ECC errors.' },
      { name: 'DCGM_FI_DEV_ENC_UTIL', type: 'gauge', help: 'Encoder utilization (in %).' },
      { name: 'DCGM_FI_DEV_FAN_SPEED', type: 'gauge', help: 'Fan speed (in %).' },
      { name: 'DCGM_FI_DEV_FB_FREE', type: 'gauge', help: 'Framebuffer memory free (in MiB).' },
      { name: 'DCGM_FI_DEV_FB_RESERVED', type: 'gauge', help: 'Framebuffer memory reserved (in MiB).' },
      { name: 'DCGM_FI_DEV_FB_TOTAL', type: 'gauge', help: 'Framebuffer memory total (in MiB).' },
      { name: 'DCGM_FI_DEV_FB_USED', type: 'gauge', help: 'Framebuffer memory used (in MiB).' },
      { name: 'DCGM_FI_DEV_GPU_MAX_OP_TEMP', type: 'gauge', help: 'Maximum operating temperature of the GPU (in C).' },
      { name: 'DCGM_FI_DEV_GPU_TEMP', type: 'gauge', help: 'GPU temperature (in C).' },
      { name: 'DCGM_FI_DEV_GPU_UTIL', type: 'gauge', help: 'GPU utilization (in %).' },
      { name: 'DCGM_FI_DEV_MAX_MEM_CLOCK', type: 'gauge', help: 'Maximum memory clock frequency (in MHz).' },
      { name: 'DCGM_FI_DEV_MAX_SM_CLOCK', type: 'gauge', help: 'Maximum SM clock frequency (in MHz).' },
      { name: 'DCGM_FI_DEV_MAX_VIDEO_CLOCK', type: 'gauge', help: 'Maximum video clock frequency (in MHz).' },
      { name: 'DCGM_FI_DEV_MEMORY_TEMP', type: 'gauge', help: 'Memory temperature (in C).' },
      { name: 'DCGM_FI_DEV_MEM_CLOCK', type: 'gauge', help: 'Memory clock frequency (in MHz).' },
      { name: 'DCGM_FI_DEV_MEM_COPY_UTIL', type: 'gauge', help: 'Memory utilization (in %).' },
      { name: 'DCGM_FI_DEV_MEM_MAX_OP_TEMP', type: 'gauge', help: 'Maximum operating temperature of the memory (in C).' },
      { name: 'DCGM_FI_DEV_PCIE_LINK_GEN', type: 'gauge', help: 'Current PCIe link generation.' },
      { name: 'DCGM_FI_DEV_PCIE_LINK_WIDTH', type: 'gauge', help: 'Current PCIe link width (lanes).' },
      { name: 'DCGM_FI_DEV_PCIE_MAX_LINK_GEN', type: 'gauge', help: 'Maximum PCIe link generation.' },
      { name: 'DCGM_FI_DEV_PCIE_MAX_LINK_WIDTH', type: 'gauge', help: 'Maximum PCIe link width (lanes).' },
      { name: 'DCGM_FI_DEV_PCIE_REPLAY_COUNTER', type: 'counter', help: 'Total number of PCIe retries.' },
      { name: 'DCGM_FI_DEV_POWER_MGMT_LIMIT', type: 'gauge', help: 'Power management limit (in W).' },
      { name: 'DCGM_FI_DEV_POWER_MGMT_LIMIT_DEF', type: 'gauge', help: 'Default power management limit (in W).' },
      { name: 'DCGM_FI_DEV_POWER_MGMT_LIMIT_MAX', type: 'gauge', help: 'Maximum power management limit (in W).' },
      { name: 'DCGM_FI_DEV_POWER_MGMT_LIMIT_MIN', type: 'gauge', help: 'Minimum power management limit (in W).' },
      { name: 'DCGM_FI_DEV_POWER_USAGE', type: 'gauge', help: 'Power draw (in W).' },
      { name: 'DCGM_FI_DEV_POWER_USAGE_INSTANT', type: 'gauge', help: 'Current instantaneous power usage (in W).' },
      { name: 'DCGM_FI_DEV_PSTATE', type: 'gauge', help: 'Performance state (P-state) 0-15; 0 is the highest.' },
      { name: 'DCGM_FI_DEV_ROW_REMAP_FAILURE', type: 'gauge', help: 'Whether remapping of rows has failed.' },
      { name: 'DCGM_FI_DEV_ROW_REMAP_PENDING', type: 'gauge', help: 'Whether row remapping is pending (1 yes, 0 no).' },
      { name: 'DCGM_FI_DEV_SHUTDOWN_TEMP', type: 'gauge', help: 'GPU shutdown temperature (in C).' },
      { name: 'DCGM_FI_DEV_SLOWDOWN_TEMP', type: 'gauge', help: 'GPU slowdown temperature (in C).' },
      { name: 'DCGM_FI_DEV_SM_CLOCK', type: 'gauge', help: 'SM clock frequency (in MHz).' },
      { name: 'DCGM_FI_DEV_UNCORRECTABLE_REMAPPED_ROWS', type: 'counter', help: 'Number of remapped rows for uncorrectable errors.' },
      { name: 'DCGM_FI_DEV_VIDEO_CLOCK', type: 'gauge', help: 'Video encoder/decoder clock frequency (in MHz).' },
      { name: 'odin_gpu_collect_failures_total', type: 'counter', help: 'odin-agent: nvidia-smi runs that failed, timed out or printed unusable output.' },
      { name: 'odin_gpu_container_memory_bytes', type: 'gauge', help: 'odin-agent: GPU memory used by the processes of one container, in bytes (nvidia-smi host PIDs through /proc/<pid>/cgroup).' },
      { name: 'odin_gpu_devices', type: 'gauge', help: 'odin-agent: Number of GPUs in the latest nvidia-smi report.' },
      { name: 'odin_gpu_encoder_average_fps', type: 'gauge', help: 'odin-agent: Average encoder frames per second.' },
      { name: 'odin_gpu_encoder_average_latency_seconds', type: 'gauge', help: 'odin-agent: Average encoder latency in seconds.' },
      { name: 'odin_gpu_encoder_sessions', type: 'gauge', help: 'odin-agent: Active encoder sessions.' },
      { name: 'odin_gpu_fbc_average_fps', type: 'gauge', help: 'odin-agent: Average frame buffer capture frames per second.' },
      { name: 'odin_gpu_fbc_average_latency_seconds', type: 'gauge', help: 'odin-agent: Average frame buffer capture latency in seconds.' },
      { name: 'odin_gpu_fbc_sessions', type: 'gauge', help: 'odin-agent: Active frame buffer capture sessions.' },
      { name: 'odin_gpu_graphics_clock_hertz', type: 'gauge', help: 'odin-agent: Graphics clock frequency in hertz.' },
      { name: 'odin_gpu_info', type: 'gauge', help: 'odin-agent: A metric with a constant 1 labelled by GPU model, driver, CUDA and VBIOS versions.' },
      { name: 'odin_gpu_jpeg_utilization_ratio', type: 'gauge', help: 'odin-agent: JPEG decoder utilization (0-1).' },
      { name: 'odin_gpu_last_success_timestamp_seconds', type: 'gauge', help: 'odin-agent: When nvidia-smi last succeeded, in seconds since the epoch.' },
      { name: 'odin_gpu_mig_mode_enabled', type: 'gauge', help: 'odin-agent: Whether MIG mode is currently enabled (1) or disabled (0).' },
      { name: 'odin_gpu_ofa_utilization_ratio', type: 'gauge', help: 'odin-agent: Optical flow accelerator utilization (0-1).' },
      { name: 'odin_gpu_pcie_rx_bytes_per_second', type: 'gauge', help: 'odin-agent: PCIe receive throughput sampled by NVML, in bytes per second.' },
      { name: 'odin_gpu_pcie_tx_bytes_per_second', type: 'gauge', help: 'odin-agent: PCIe transmit throughput sampled by NVML, in bytes per second.' },
      { name: 'odin_gpu_process_memory_bytes', type: 'gauge', help: 'odin-agent: GPU memory used by processes of one program name, in bytes.' },
      { name: 'odin_gpu_throttle_reason', type: 'gauge', help: 'odin-agent: Whether a clock throttle reason is active (1) or not (0).' },
      { name: 'odin_gpu_up', type: 'gauge', help: 'odin-agent: Whether the latest nvidia-smi run succeeded (1) or failed, timed out or is stale (0).' },
      DROPPED_DECL,
    ],
    flags: [
      { name: 'collector.gpu.nvidia-smi-path', kind: 'string', default: '/usr/bin/nvidia-smi', check: (v) => (isAbsolute(v) ? undefined : 'an absolute path'), help: 'Absolute path of nvidia-smi (run without a shell).' },
      { name: 'collector.gpu.timeout', kind: 'duration', default: '5s', help: 'Deadline for one nvidia-smi run; past it the child gets SIGTERM, then SIGKILL.' },
      { name: 'collector.gpu.process-series-limit', kind: 'int', default: 100, help: 'Most per-process GPU memory series exposed; the rest count in odin_series_dropped_total.' },
    ],
    create({ config, gpuInventory }) {
      const path = flagString(config, 'collector.gpu.nvidia-smi-path')
      const timeoutMs = flagNumber(config, 'collector.gpu.timeout')
      const limit = flagNumber(config, 'collector.gpu.process-series-limit')
      const intervalMs = config.samplerIntervalMs
      const waitMs = options.waitMs ?? Math.min(MAX_WAIT_MS, intervalMs / 10)
      const inventory = options.inventory ?? gpuInventory
      let sampler: GpuSampler | undefined
      let dropped = 0
      let countedSeq = 0
      const containerMemory = new GpuContainerMemory()
      return {
        get sampler() {
          return sampler
        },
        async collect(ctx) {
          sampler ??= new GpuSampler({
            path,
            timeoutMs,
            killGraceMs: Math.min(1000, timeoutMs),
            exec: ctx.exec,
            now: ctx.now,
            log: ctx.log,
            env: options.env,
            onReport: (report) => inventory.record(report.gpus),
          })
          await waitAtMost(sampler.kick(), waitMs)
          const last = sampler.last
          if (!last) {
            // The first run is still going: nothing to say yet, and nothing wrong.
            return []
          }
          if (last.kind === 'nodata') {
            throw new NoDataError(last.error ?? 'no NVIDIA GPU')
          }
          const f = new Families()
          const fresh = last.kind === 'ok' && ctx.now() - last.finishedAt <= FRESH_INTERVALS * intervalMs
          if (fresh && last.report) {
            const { dropped: cut } = addReportFamilies(f, last.report, limit)
            const cutContainers = await containerMemory.add(f, ctx.fs, last.report.gpus, limit, ctx.now())
            if (last.seq !== countedSeq) {
              countedSeq = last.seq
              dropped += cut + cutContainers
            }
          }
          addHealthFamilies(f, {
            up: fresh,
            failures: sampler.failures,
            lastSuccessAt: sampler.lastOk?.finishedAt,
            droppedSeries: dropped,
          })
          return f.list()
        },
        async close() {
          await sampler?.close()
        },
      }
    },
  }
}

async function waitAtMost(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
}

export const gpuCollector = createGpuCollector()
