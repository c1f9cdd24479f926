import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { flagString } from '../config/config.ts'
import { writeFileAtomicSync } from '../gpu/atomic-write.ts'
import type { GpuIdentity, GpuInventory } from '../gpu/inventory.ts'
import { KlogRecords } from '../gpu/klog-records.ts'
import { KmsgReader } from '../gpu/kmsg-reader.ts'
import { pciKey } from '../gpu/pci.ts'
import { parseNvidiaProcInformation } from '../gpu/proc-driver.ts'
import { parseGpuAtMessage, parseKmsgRecord, parseXidMessage } from '../gpu/xid.ts'
import { emptyXidState, parseXidState, serializeXidState, xidKey } from '../gpu/xid-state.ts'
import type { XidState } from '../gpu/xid-state.ts'
import { Families } from '../metrics/families.ts'
import { errorCode, isNotFound } from '../platform/host-fs.ts'
import { bindKlogReadAll } from '../platform/klogctl.ts'
import { readOptional } from './read.ts'
import type { CollectContext, CollectorEntry, CollectorInstance } from './types.ts'
import { NoDataError } from './types.ts'

export interface GpuXidCollectorOptions {
  readonly inventory?: GpuInventory
  /** Binds syslog(2) READ_ALL (src/platform/klogctl.ts; injected in tests). */
  readonly klog?: () => Promise<() => string>
}

/** `--collector.gpu_xid.kmsg-path=syslog`: read the ring buffer through syslog(2) only. */
const SYSLOG = 'syslog'
const DEFAULT_KMSG = '/dev/kmsg'

interface LogSource {
  readLines(): string[]
  close(): void
}

export interface GpuXidInstance extends CollectorInstance {
  close(): void
}

export const XID_STATE_FILE = 'gpu-xid-state.json'

/**
 * NVIDIA Xid errors, which nvidia-smi cannot report, counted from the kernel log. Records
 * already counted (by this process or, through the state file under --data-dir, by an
 * earlier one in the same boot) are never counted again.
 */
export function createGpuXidCollector(options: GpuXidCollectorOptions = {}): CollectorEntry<GpuXidInstance> {
  return {
    name: 'gpu_xid',
    defaultEnabled: true,
    help: 'Counts NVIDIA Xid errors from the kernel log.',
    families: [
      { name: 'DCGM_FI_DEV_XID_ERRORS', type: 'gauge', help: 'Value of the last XID error encountered.' },
      { name: 'odin_gpu_last_xid_timestamp_seconds', type: 'gauge', help: 'odin-agent: When the latest Xid error of a GPU was logged, in seconds since the epoch.' },
      { name: 'odin_gpu_xid_errors_total', type: 'counter', help: 'odin-agent: NVIDIA Xid errors reported by the kernel log, by Xid code.' },
    ],
    flags: [
      {
        name: 'collector.gpu_xid.kmsg-path',
        kind: 'string',
        default: DEFAULT_KMSG,
        help: 'Kernel log to read NVRM Xid lines from; "syslog" reads it through syslog(2) (CAP_SYSLOG, no device), which is also tried when the path cannot be opened.',
      },
    ],
    create({ config, gpuInventory }) {
      const inventory = options.inventory ?? gpuInventory
      const statePath = join(config.dataDir, XID_STATE_FILE)
      const path = flagString(config, 'collector.gpu_xid.kmsg-path')
      let reader: LogSource | undefined
      let state: XidState | undefined
      let saveFailed = false
      return {
        async collect(ctx) {
          const procGpus = await readProcGpus(ctx)
          if (inventory.size === 0 && procGpus.size === 0) {
            throw new NoDataError('no NVIDIA GPU known (nvidia-smi found none and /proc/driver/nvidia/gpus is absent)')
          }
          if (!state) {
            const bootId = ((await readOptional(ctx, ctx.fs.proc('sys/kernel/random/boot_id'))) ?? '').trim()
            state = loadState(statePath, bootId)
          }
          if (!reader) {
            reader = path === SYSLOG ? await openSyslog(ctx, undefined) : undefined
          }
          if (!reader) {
            const r = new KmsgReader(path)
            try {
              r.open()
              reader = r
            } catch (err) {
              const code = errorCode(err)
              if (!(isNotFound(err) || code === 'EACCES' || code === 'EPERM')) {
                throw new Error(`couldn't open ${path}: ${(err as Error).message}`, { cause: err })
              }
              // In a Kubernetes pod /dev/kmsg is absent or refused by the device cgroup unless the
              // container is privileged; syslog(2) needs only CAP_SYSLOG.
              reader = await openSyslog(ctx, `couldn't open ${path}: ${code}`)
            }
          }
          const bootSeconds = await bootTimeSeconds(ctx)
          let changed = false
          for (const line of reader.readLines()) {
            const rec = parseKmsgRecord(line)
            if (!rec || rec.seq <= state.lastSeq) {
              continue
            }
            state.lastSeq = rec.seq
            const gpuAt = parseGpuAtMessage(rec.message)
            if (gpuAt) {
              state.uuids.set(gpuAt.pci, gpuAt.uuid)
              changed = true
              continue
            }
            const xid = parseXidMessage(rec.message)
            if (!xid) {
              continue
            }
            const key = xidKey(xid.pci, xid.xid)
            const entry = state.counts.get(key) ?? { pci: xid.pci, xid: xid.xid, count: 0, lastTimestamp: 0 }
            entry.count++
            entry.lastTimestamp = bootSeconds === undefined ? ctx.now() / 1000 : bootSeconds + rec.timestampUs / 1e6
            state.counts.set(key, entry)
            changed = true
            ctx.log.warn('NVIDIA Xid error', { pci: xid.pci, xid: xid.xid })
          }
          if (changed) {
            try {
              writeFileAtomicSync(statePath, serializeXidState(state))
              saveFailed = false
            } catch (err) {
              // Counting goes on in memory; only a restart would re-count.
              if (!saveFailed) {
                ctx.log.warn("couldn't save Xid state", { path: statePath, err: (err as Error).message })
              }
              saveFailed = true
            }
          }
          return families(state, (pci) => inventory.lookup(pci) ?? procGpus.get(pci) ?? fallbackIdentity(pci, state as XidState), [
            ...new Map([...procGpus, ...inventory.entries()]).values(),
          ])
        },
        close() {
          reader?.close()
          reader = undefined
        },
      }
    },
  }

  /** The ring buffer through syslog(2), or no data saying why neither source could be read. */
  async function openSyslog(ctx: CollectContext, kmsgFailure: string | undefined): Promise<LogSource> {
    try {
      const readAll = await (options.klog ?? bindKlogReadAll)()
      readAll() // fails here (EPERM) without CAP_SYSLOG
      ctx.log.info('kernel log read through syslog(2)', kmsgFailure === undefined ? {} : { because: kmsgFailure })
      return new KlogRecords(readAll)
    } catch (err) {
      const why = `syslog(2): ${errorCode(err) ?? (err as Error).message}`
      throw new NoDataError(kmsgFailure === undefined ? `couldn't read the kernel log through ${why}` : `${kmsgFailure}; ${why}`, { cause: err })
    }
  }
}

function families(state: XidState, identify: (pci: string) => GpuIdentity, known: readonly GpuIdentity[]): ReturnType<Families['list']> {
  const f = new Families()
  const last = new Map<string, { xid: number; at: number; id: GpuIdentity }>()
  for (const c of state.counts.values()) {
    const id = identify(c.pci)
    f.counter('odin_gpu_xid_errors_total', 'odin-agent: NVIDIA Xid errors reported by the kernel log, by Xid code.', c.count, { gpu: id.gpu, UUID: id.UUID, xid: String(c.xid) })
    const prev = last.get(c.pci)
    if (!prev || c.lastTimestamp > prev.at) {
      last.set(c.pci, { xid: c.xid, at: c.lastTimestamp, id })
    }
  }
  for (const { at, id } of last.values()) {
    f.gauge('odin_gpu_last_xid_timestamp_seconds', 'odin-agent: When the latest Xid error of a GPU was logged, in seconds since the epoch.', at, { gpu: id.gpu, UUID: id.UUID })
  }
  // dcgm-exporter's DCGM_FI_DEV_XID_ERRORS: the latest Xid code per GPU, 0 when none.
  const perGpu = new Map<string, { id: GpuIdentity; xid: number }>(known.map((id) => [id.UUID, { id, xid: 0 }]))
  for (const { xid, id } of last.values()) {
    perGpu.set(id.UUID, { id, xid })
  }
  for (const { id, xid } of perGpu.values()) {
    f.gauge('DCGM_FI_DEV_XID_ERRORS', 'Value of the last XID error encountered.', xid, { gpu: id.gpu, UUID: id.UUID, device: id.device, modelName: id.modelName })
  }
  return f.list()
}

/** A GPU neither nvidia-smi nor procfs names: its UUID from the log, else its PCI address. */
function fallbackIdentity(pci: string, state: XidState): GpuIdentity {
  return { gpu: '', UUID: state.uuids.get(pci) ?? `PCI:${pci}`, device: '', modelName: '' }
}

/** GPUs under /proc/driver/nvidia/gpus, numbered in PCI order (NVML's default order). */
async function readProcGpus(ctx: CollectContext): Promise<Map<string, GpuIdentity>> {
  const out = new Map<string, GpuIdentity>()
  let dirs: string[]
  try {
    dirs = await ctx.fs.readdir(ctx.fs.proc('driver/nvidia/gpus'))
  } catch {
    return out
  }
  const sorted = dirs.map((d) => ({ d, key: pciKey(d) })).filter((x): x is { d: string; key: string } => x.key !== undefined)
  sorted.sort((a, b) => (a.key < b.key ? -1 : 1))
  for (const [index, { d, key }] of sorted.entries()) {
    const text = await readOptional(ctx, ctx.fs.proc('driver/nvidia/gpus', d, 'information'))
    const info = text === undefined ? undefined : parseNvidiaProcInformation(text)
    out.set(key, {
      gpu: String(index),
      UUID: info?.uuid || `PCI:${key}`,
      device: info?.minor === undefined ? '' : `nvidia${info.minor}`,
      modelName: info?.model ?? '',
    })
  }
  return out
}

async function bootTimeSeconds(ctx: CollectContext): Promise<number | undefined> {
  const text = await readOptional(ctx, ctx.fs.proc('uptime'))
  const uptime = Number(text?.trim().split(/\s+/)[0])
  return text !== undefined && Number.isFinite(uptime) ? ctx.now() / 1000 - uptime : undefined
}

function loadState(path: string, bootId: string): XidState {
  try {
    return parseXidState(readFileSync(path, 'utf8'), bootId)
  } catch {
    return emptyXidState(bootId)
  }
}

export const gpuXidCollector = createGpuXidCollector()
