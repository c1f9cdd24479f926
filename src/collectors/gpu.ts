import { DROPPED_DECL } from '../metrics/dropped.ts'
import { isAbsolute } from 'node:path'
import { flagNumber, flagString } from '../config/config.ts'
import { GpuContainerMemory } from '../gpu/gpu-containers.ts'
import { addHealthFamilies, addReportFamilies } from '../gpu/gpu-families.ts'
import { GpuSampler } from '../gpu/gpu-sampler.ts'
import type { GpuInventory } from '../gpu/inventory.ts'
import { Families } from '../metrics/families.ts'
import { PodResourcesTier } from '../gpu/pod-resources-tier.ts'
import type { CollectContext, CollectorEntry, CollectorInstance, FamilyDecl } from './types.ts'
import { GPU_FIELDS, MIG_FIELDS } from '../gpu/fields.ts'
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

const POD_RESOURCES_FLAG = 'collector.gpu.pod-resources-socket'

/** The DCGM_FI_* families of the field table, GPU rows and MIG rows, once per name. */
const FIELD_FAMILIES: readonly FamilyDecl[] = [...new Map([...GPU_FIELDS, ...MIG_FIELDS].map((f) => [f.metric, { name: f.metric, type: f.type, help: f.help }])).values()]

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
      // One per row of the nvidia-smi field table (src/gpu/fields.ts), then the rest.
      ...FIELD_FAMILIES,
      { name: 'DCGM_FI_DEV_CLOCK_THROTTLE_REASONS', type: 'gauge', help: 'Current clock throttle reasons (bitmask of nvmlClocksThrottleReasons).' },
      { name: 'odin_gpu_collect_failures_total', type: 'counter', help: 'odin-agent: nvidia-smi runs that failed, timed out or printed unusable output.' },
      {
        name: 'odin_gpu_container_memory_bytes',
        type: 'gauge',
        help: 'odin-agent: GPU memory used by the processes of one container, in bytes (nvidia-smi host PIDs through /proc/<pid>/cgroup).',
      },
      { name: 'odin_gpu_devices', type: 'gauge', help: 'odin-agent: Number of GPUs in the latest nvidia-smi report.' },
      { name: 'odin_gpu_info', type: 'gauge', help: 'odin-agent: A metric with a constant 1 labelled by GPU model, driver, CUDA and VBIOS versions.' },
      { name: 'odin_gpu_last_success_timestamp_seconds', type: 'gauge', help: 'odin-agent: When nvidia-smi last succeeded, in seconds since the epoch.' },
      { name: 'odin_gpu_process_memory_bytes', type: 'gauge', help: 'odin-agent: GPU memory used by processes of one program name, in bytes.' },
      { name: 'odin_gpu_throttle_reason', type: 'gauge', help: 'odin-agent: Whether a clock throttle reason is active (1) or not (0).' },
      { name: 'odin_gpu_throttle_reason_seconds_total', type: 'counter', help: 'odin-agent: Time clocks were held back by each throttle reason, in seconds (driver 570+).' },
      { name: 'odin_gpu_up', type: 'gauge', help: 'odin-agent: Whether the latest nvidia-smi run succeeded (1) or failed, timed out or is stale (0).' },
      DROPPED_DECL,
    ],
    flags: [
      {
        name: 'collector.gpu.nvidia-smi-path',
        kind: 'string',
        default: '/usr/bin/nvidia-smi',
        check: (v) => (isAbsolute(v) ? undefined : 'an absolute path'),
        help: 'Absolute path of nvidia-smi (run without a shell).',
      },
      { name: 'collector.gpu.timeout', kind: 'duration', default: '5s', help: 'Deadline for one nvidia-smi run; past it the child gets SIGTERM, then SIGKILL.' },
      { name: 'collector.gpu.process-series-limit', kind: 'int', default: 100, help: 'Most per-process GPU memory series exposed; the rest count in odin_series_dropped_total.' },
      {
        name: POD_RESOURCES_FLAG,
        kind: 'string',
        default: '/var/lib/kubelet/pod-resources/kubelet.sock',
        help: "The kubelet's pod-resources socket under --path.rootfs: a GPU allocated to exactly one container gets dcgm-exporter's pod, namespace and container labels on its DCGM_FI_* series ('' to not ask).",
      },
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
      const socketPath = flagString(config, POD_RESOURCES_FLAG)
      let tier: PodResourcesTier | undefined | null
      const podResources = (ctx: CollectContext): PodResourcesTier | undefined => {
        if (tier === undefined) {
          const socket = socketPath === '' ? '' : ctx.fs.root(...socketPath.split('/').filter(Boolean))
          tier =
            socket === ''
              ? null
              : new PodResourcesTier(socket, (err) =>
                  err === undefined
                    ? ctx.log.info('GPU pod attribution from the kubelet pod-resources socket', { socket })
                    : // No socket is the normal case off Kubernetes: only a debug line for it.
                      (err.includes('ENOENT') ? ctx.log.debug : ctx.log.info).call(ctx.log, 'kubelet pod-resources socket not read: DCGM series carry no pod labels', {
                        socket,
                        err,
                      }),
                )
        }
        return tier ?? undefined
      }
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
            const tier = podResources(ctx)
            void tier?.refresh(ctx.now)
            const now = ctx.now()
            const { dropped: cut } = addReportFamilies(f, last.report, limit, (uuid) => {
              const o = tier?.ownerOf(uuid, now)
              return o && { pod: o.pod, namespace: o.namespace, container: o.container }
            })
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
