import type { Families } from '../metrics/families.ts'
import type { Labels } from '../metrics/types.ts'
import { GPU_FIELDS, MIG_FIELDS } from './fields.ts'
import type { GpuField } from './fields.ts'
import type { GpuReading, NvidiaSmiReport } from './nvidia-smi-xml.ts'
import { countDropped } from '../metrics/dropped.ts'

/** dcgm-exporter's labels for one GPU (Hostname left out: Prometheus adds `instance`). */
export function gpuLabels(gpu: GpuReading): Labels {
  return { gpu: String(gpu.index), UUID: gpu.uuid, device: gpu.device, modelName: gpu.name }
}

const HELP: ReadonlyMap<string, GpuField> = new Map([...GPU_FIELDS, ...MIG_FIELDS].map((f) => [f.metric, f]))
const THROTTLE_MASK_HELP = 'Current clock throttle reasons (bitmask of nvmlClocksThrottleReasons).'

export interface ReportFamiliesResult {
  /** Process series cut by the cap in this report. */
  readonly dropped: number
}

/**
 * Adds the DCGM_FI_* and per-GPU odin_gpu_* families of one nvidia-smi report. Per-process
 * memory keeps the `processLimit` largest (GPU, program) pairs; the rest are counted.
 */
export function addReportFamilies(f: Families, report: NvidiaSmiReport, processLimit: number, podOf: (uuid: string) => Labels | undefined = () => undefined): ReportFamiliesResult {
  // dcgm-exporter's pod labels (pod, namespace, container) on the GPUs allocated to one container.
  const dcgmLabels = (gpu: GpuReading): Labels => ({ ...gpuLabels(gpu), ...podOf(gpu.uuid) })
  for (const field of GPU_FIELDS) {
    for (const gpu of report.gpus) {
      const v = gpu.values.get(field.metric)
      if (v !== undefined) {
        f.add(field.metric, field.type, field.help, dcgmLabels(gpu), v)
      }
    }
  }
  for (const gpu of report.gpus) {
    const mask = gpu.values.get('DCGM_FI_DEV_CLOCK_THROTTLE_REASONS')
    if (mask !== undefined) {
      f.gauge('DCGM_FI_DEV_CLOCK_THROTTLE_REASONS', THROTTLE_MASK_HELP, mask, dcgmLabels(gpu))
    }
  }
  for (const gpu of report.gpus) {
    for (const mig of gpu.mig) {
      const labels = { ...dcgmLabels(gpu), GPU_I_PROFILE: mig.profile, GPU_I_ID: mig.gpuInstanceId }
      for (const [metric, v] of mig.values) {
        const field = HELP.get(metric) as GpuField
        f.add(metric, field.type, field.help, labels, v)
      }
    }
  }
  for (const gpu of report.gpus) {
    for (const [reason, v] of gpu.throttleReasons) {
      f.gauge('odin_gpu_throttle_reason', 'odin-agent: Whether a clock throttle reason is active (1) or not (0).', v, { gpu: String(gpu.index), UUID: gpu.uuid, reason })
    }
  }
  for (const gpu of report.gpus) {
    for (const [reason, v] of gpu.throttleSeconds) {
      f.counter('odin_gpu_throttle_reason_seconds_total', 'odin-agent: Time clocks were held back by each throttle reason, in seconds (driver 570+).', v, {
        gpu: String(gpu.index),
        UUID: gpu.uuid,
        reason,
      })
    }
  }
  for (const gpu of report.gpus) {
    f.gauge('odin_gpu_info', 'odin-agent: A metric with a constant 1 labelled by GPU model, driver, CUDA and VBIOS versions.', 1, {
      gpu: String(gpu.index),
      UUID: gpu.uuid,
      modelName: gpu.name,
      driver_version: report.driverVersion,
      cuda_version: report.cudaVersion,
      vbios_version: gpu.vbiosVersion,
    })
  }
  f.gauge('odin_gpu_devices', 'odin-agent: Number of GPUs in the latest nvidia-smi report.', report.gpus.length)

  const procs = report.gpus.flatMap((gpu) => gpu.processes.map((p) => ({ gpu, p })))
  procs.sort((a, b) => b.p.usedBytes - a.p.usedBytes)
  const kept = procs.slice(0, Math.max(0, processLimit))
  for (const { gpu, p } of kept) {
    f.gauge('odin_gpu_process_memory_bytes', 'odin-agent: GPU memory used by processes of one program name, in bytes.', p.usedBytes, {
      gpu: String(gpu.index),
      UUID: gpu.uuid,
      process: p.name,
    })
  }
  return { dropped: procs.length - kept.length }
}

export interface GpuHealth {
  readonly up: boolean
  readonly failures: number
  /** Milliseconds since the epoch, undefined before the first success. */
  readonly lastSuccessAt: number | undefined
  readonly droppedSeries: number
}

/** odin_gpu_up and friends: served even when nvidia-smi is failing or hung. */
export function addHealthFamilies(f: Families, h: GpuHealth): void {
  f.gauge('odin_gpu_up', 'odin-agent: Whether the latest nvidia-smi run succeeded (1) or failed, timed out or is stale (0).', h.up ? 1 : 0)
  if (h.lastSuccessAt !== undefined) {
    f.gauge('odin_gpu_last_success_timestamp_seconds', 'odin-agent: When nvidia-smi last succeeded, in seconds since the epoch.', h.lastSuccessAt / 1000)
  }
  f.counter('odin_gpu_collect_failures_total', 'odin-agent: nvidia-smi runs that failed, timed out or printed unusable output.', h.failures)
  countDropped(f, h.droppedSeries, 'gpu')
}
