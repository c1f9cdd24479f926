import { isAbsolute } from 'node:path'
import { flagNumber, flagString } from '../config/config.ts'
import { GpuContainerMemory } from '../gpu/gpu-containers.ts'
import { addHealthFamilies, addReportFamilies } from '../gpu/gpu-families.ts'
import { GpuSampler } from '../gpu/gpu-sampler.ts'
import { sharedGpuInventory } from '../gpu/inventory.ts'
import type { GpuInventory } from '../gpu/inventory.ts'
import { Families } from '../metrics/families.ts'
import { PodResourcesTier } from '../gpu/pod-resources-tier.ts'
import type { CollectContext, Collector } from './types.ts'
import { NoDataError } from './types.ts'

export interface GpuCollectorOptions {
  readonly inventory?: GpuInventory
  /** Environment for nvidia-smi. Tests only: the agent passes the Exec default. */
  readonly env?: Record<string, string>
  /**
   * How long collect() waits for the run it starts before serving the previous result;
   * default a tenth of the sampler interval, at most 500 ms.
   */
  readonly waitMs?: number
}

export interface GpuCollector extends Collector {
  /** The background runner, once the first collect has created it. */
  readonly sampler: GpuSampler | undefined
  /** Kills an nvidia-smi in flight and waits until it is reaped. */
  close(): Promise<void>
}

const POD_RESOURCES_FLAG = 'collector.gpu.pod-resources-socket'

/** A result older than this many sampler intervals is not served (only odin_gpu_* health). */
const FRESH_INTERVALS = 2
const MAX_WAIT_MS = 500

/**
 * NVIDIA GPUs through `nvidia-smi -q -x`, exposed with dcgm-exporter's names. nvidia-smi
 * runs in the background (GpuSampler): collect() starts at most one run, waits for it
 * briefly, and otherwise serves the latest finished result, so a wedged nvidia-smi never
 * holds up the sampler tick.
 */
export function createGpuCollector(options: GpuCollectorOptions = {}): GpuCollector {
  let sampler: GpuSampler | undefined
  let dropped = 0
  let countedSeq = 0
  const containerMemory = new GpuContainerMemory()
  let tier: PodResourcesTier | undefined | null
  const podResources = (ctx: CollectContext): PodResourcesTier | undefined => {
    if (tier === undefined) {
      const path = flagString(ctx.config, POD_RESOURCES_FLAG)
      const socket = path === '' ? '' : ctx.fs.root(...path.split('/').filter(Boolean))
      tier =
        socket === ''
          ? null
          : new PodResourcesTier(socket, (err) =>
              err === undefined
                ? ctx.log.info('GPU pod attribution from the kubelet pod-resources socket', { socket })
                : // No socket is the normal case off Kubernetes: only a debug line for it.
                  (err.includes('ENOENT') ? ctx.log.debug : ctx.log.info).call(ctx.log, 'kubelet pod-resources socket not read: DCGM series carry no pod labels', { socket, err }),
            )
    }
    return tier ?? undefined
  }
  return {
    name: 'gpu',
    defaultEnabled: true,
    help: 'Exposes NVIDIA GPU metrics from nvidia-smi with dcgm-exporter names.',
    flags: [
      { name: 'collector.gpu.nvidia-smi-path', kind: 'string', default: '/usr/bin/nvidia-smi', help: 'Absolute path of nvidia-smi (run without a shell).' },
      { name: 'collector.gpu.timeout', kind: 'duration', default: '5s', help: 'Deadline for one nvidia-smi run; past it the child gets SIGTERM, then SIGKILL.' },
      { name: 'collector.gpu.process-series-limit', kind: 'int', default: 100, help: 'Most per-process GPU memory series exposed; the rest count in odin_series_dropped_total.' },
      { name: POD_RESOURCES_FLAG, kind: 'string', default: '/var/lib/kubelet/pod-resources/kubelet.sock', help: "The kubelet's pod-resources socket under --path.rootfs: a GPU allocated to exactly one container gets dcgm-exporter's pod, namespace and container labels on its DCGM_FI_* series ('' to not ask)." },
    ],
    get sampler() {
      return sampler
    },
    async collect(ctx) {
      if (!sampler) {
        const path = flagString(ctx.config, 'collector.gpu.nvidia-smi-path')
        if (!isAbsolute(path)) {
          throw new Error(`--collector.gpu.nvidia-smi-path must be an absolute path, got ${JSON.stringify(path)}`)
        }
        const timeoutMs = flagNumber(ctx.config, 'collector.gpu.timeout')
        const inventory = options.inventory ?? sharedGpuInventory
        sampler = new GpuSampler({
          path,
          timeoutMs,
          killGraceMs: Math.min(1000, timeoutMs),
          exec: ctx.exec,
          now: ctx.now,
          log: ctx.log,
          env: options.env,
          onReport: (report) => inventory.record(report.gpus),
        })
      }
      await waitAtMost(sampler.kick(), options.waitMs ?? Math.min(MAX_WAIT_MS, ctx.config.samplerIntervalMs / 10))
      const last = sampler.last
      if (!last) {
        // The first run is still going: nothing to say yet, and nothing wrong.
        return []
      }
      if (last.kind === 'nodata') {
        throw new NoDataError(last.error ?? 'no NVIDIA GPU')
      }
      const f = new Families()
      const fresh = last.kind === 'ok' && ctx.now() - last.finishedAt <= FRESH_INTERVALS * ctx.config.samplerIntervalMs
      if (fresh && last.report) {
        const limit = flagNumber(ctx.config, 'collector.gpu.process-series-limit')
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
}

async function waitAtMost(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([p, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))])
  clearTimeout(timer)
}

export const gpuCollector: GpuCollector = createGpuCollector()
