import type { ActiveThreat } from '../collectors/threats.ts'
import type { MetricFamily, Sample } from '../metrics/types.ts'
import type { ComponentHealth } from '../sampler/snapshot.ts'
import { ScoreHistory } from './score-history.ts'
import type { SeriesHistory } from './score-history.ts'

/**
 * What /status.json returns: the status page's whole content, read from the families the
 * agent already holds (the latest snapshot and its detectors') and a bounded history of
 * anomaly scores. Every list is capped and every string cut, so the document stays small
 * (test: under 256 KB at every cap) whatever the host or an attacker names things.
 */
export const STATUS_LIMITS = { disks: 24, forecasts: 24, gpus: 16, perGpu: 8, groups: 10, threats: 50, components: 100, label: 128, text: 512 } as const

export type ComponentState = 'ok' | 'absent' | 'failing'

export interface StatusDoc {
  readonly agent: {
    readonly version: string
    readonly revision: string
    readonly uptimeSeconds: number
    readonly lastSampleAgeSeconds: number | null
    readonly ready: boolean
    readonly readyReason: string
    readonly visibilityLimits: readonly string[]
  }
  readonly host: {
    readonly cpus: number
    readonly cpuBusy: number | null
    readonly load: readonly (number | null)[]
    readonly memTotalBytes: number | null
    readonly memAvailableBytes: number | null
    readonly disks: readonly { mountpoint: string; device: string; fstype: string; sizeBytes: number; availBytes: number }[]
  }
  readonly gpus: readonly {
    gpu: string
    model: string
    tempC: number | null
    powerW: number | null
    powerLimitW: number | null
    utilPct: number | null
    memUsedMiB: number | null
    memTotalMiB: number | null
    throttle: string[]
    xids: { xid: string; count: number }[]
  }[]
  readonly threats: readonly ActiveThreat[]
  readonly anomaly: { readonly threshold: number; readonly bucketSeconds: number; readonly series: readonly SeriesHistory[] }
  readonly forecasts: readonly { mountpoint: string; device: string; etaSeconds: number }[]
  readonly groups: readonly { name: string; procs: number; cpuCores: number | null; residentBytes: number | null }[]
  readonly collectors: readonly { name: string; state: ComponentState; error: string; durationMs: number }[]
  readonly detectors: readonly { name: string; state: ComponentState; error: string; durationMs: number; lastSuccessAgeSeconds: number | null }[]
}

export interface StatusInputs {
  readonly version: { version: string; revision: string }
  readonly now: number
  readonly startedAt: number
  readonly lastSampleAt: number | undefined
  readonly ready: { ok: boolean; reason: string }
  /** The latest snapshot's health: collectors', and detectors' (threats included). */
  readonly health: ReadonlyMap<string, ComponentHealth>
  readonly detectors: ReadonlyMap<string, ComponentHealth>
  readonly threats: readonly ActiveThreat[]
  readonly visibilityLimits: readonly string[]
  readonly threshold: number
}

/** A label or name cut to STATUS_LIMITS.label characters (command lines get `text`). */
const cut = (s: string | undefined, max: number = STATUS_LIMITS.label) => {
  const t = s ?? ''
  return t.length > max ? `${t.slice(0, max - 1)}…` : t
}
const finite = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? null : v)

/** Folds each snapshot into the few rates the page shows and the score history. */
export class StatusModel {
  private families: readonly MetricFamily[] = []
  private byName = new Map<string, MetricFamily>()
  private cpuPrev: { busy: number; total: number } | undefined
  private cpuBusy: number | null = null
  private groupCpuPrev = new Map<string, number>()
  private groupCpuRate = new Map<string, number>()
  private prevAt = 0
  readonly history = new ScoreHistory()

  observe(at: number, families: readonly MetricFamily[]): void {
    this.families = families
    this.byName = new Map(families.map((f) => [f.name, f]))
    const dt = (at - this.prevAt) / 1000
    // CPU busy: 1 - (idle + iowait) / all, between this snapshot and the previous one.
    let busy = 0
    let total = 0
    for (const s of this.samples('node_cpu_seconds_total')) {
      total += s.value
      if (s.labels.mode !== 'idle' && s.labels.mode !== 'iowait') busy += s.value
    }
    if (this.cpuPrev && total > this.cpuPrev.total) {
      this.cpuBusy = Math.min(1, Math.max(0, (busy - this.cpuPrev.busy) / (total - this.cpuPrev.total)))
    }
    this.cpuPrev = total > 0 ? { busy, total } : undefined
    const groupCpu = new Map<string, number>()
    for (const s of this.samples('namedprocess_namegroup_cpu_seconds_total')) {
      const g = s.labels.groupname ?? ''
      groupCpu.set(g, (groupCpu.get(g) ?? 0) + s.value)
    }
    this.groupCpuRate = new Map()
    for (const [g, v] of groupCpu) {
      const prev = this.groupCpuPrev.get(g)
      if (prev !== undefined && dt > 0 && v >= prev) this.groupCpuRate.set(g, (v - prev) / dt)
    }
    this.groupCpuPrev = groupCpu
    this.prevAt = at
    this.history.record(at, families)
  }

  private samples(name: string): readonly Sample[] {
    return this.byName.get(name)?.samples ?? []
  }

  private single(name: string): number | null {
    return finite(this.samples(name)[0]?.value)
  }

  build(inp: StatusInputs): StatusDoc {
    return {
      agent: {
        version: inp.version.version,
        revision: inp.version.revision,
        uptimeSeconds: Math.round((inp.now - inp.startedAt) / 1000),
        lastSampleAgeSeconds: inp.lastSampleAt === undefined ? null : Math.round((inp.now - inp.lastSampleAt) / 100) / 10,
        ready: inp.ready.ok,
        readyReason: inp.ready.reason,
        visibilityLimits: inp.visibilityLimits.slice(0, 8).map((t) => cut(t, STATUS_LIMITS.text)),
      },
      host: this.host(),
      gpus: this.gpus(),
      threats: inp.threats.slice(0, STATUS_LIMITS.threats).map((t) => ({
        ...t,
        comm: cut(t.comm),
        user: cut(t.user),
        namespace: cut(t.namespace),
        pod: cut(t.pod),
        containerName: cut(t.containerName),
        cmdline: cut(t.cmdline, STATUS_LIMITS.text),
        description: cut(t.description),
        rule: cut(t.rule),
        category: cut(t.category),
        severity: cut(t.severity),
      })),
      anomaly: { threshold: inp.threshold, bucketSeconds: 15, series: this.history.series(inp.now).map((s) => ({ ...s, detector: cut(s.detector), series: cut(s.series) })) },
      forecasts: this.samples('odin_disk_fill_eta_seconds')
        .map((s) => ({ mountpoint: cut(s.labels.mountpoint), device: cut(s.labels.device), etaSeconds: Math.round(s.value) }))
        .sort((a, b) => a.etaSeconds - b.etaSeconds)
        .slice(0, STATUS_LIMITS.forecasts),
      groups: this.groups(),
      collectors: components(inp.health).map(({ lastSuccessAgeSeconds: _, ...c }) => c),
      detectors: components(inp.detectors, inp.now),
    }
  }

  private host(): StatusDoc['host'] {
    const cpus = new Set(this.samples('node_cpu_seconds_total').map((s) => s.labels.cpu)).size
    const size = new Map(this.samples('node_filesystem_size_bytes').map((s) => [`${s.labels.device}\u0000${s.labels.mountpoint}`, s.value]))
    const disks = this.samples('node_filesystem_avail_bytes')
      .map((s) => ({
        mountpoint: cut(s.labels.mountpoint),
        device: cut(s.labels.device),
        fstype: cut(s.labels.fstype),
        sizeBytes: size.get(`${s.labels.device}\u0000${s.labels.mountpoint}`) ?? 0,
        availBytes: s.value,
      }))
      .filter((d) => d.sizeBytes > 0)
      .sort((a, b) => a.availBytes / a.sizeBytes - b.availBytes / b.sizeBytes)
      .slice(0, STATUS_LIMITS.disks)
    return {
      cpus,
      cpuBusy: this.cpuBusy,
      load: [this.single('node_load1'), this.single('node_load5'), this.single('node_load15')],
      memTotalBytes: this.single('node_memory_MemTotal_bytes'),
      memAvailableBytes: this.single('node_memory_MemAvailable_bytes'),
      disks,
    }
  }

  private gpus(): StatusDoc['gpus'] {
    const per = new Map<string, StatusDoc['gpus'][number]>()
    const gpuOf = (s: Sample) => {
      const id = s.labels.gpu
      if (id === undefined || s.labels.GPU_I_ID !== undefined) return undefined
      let g = per.get(id)
      if (!g && per.size < STATUS_LIMITS.gpus) {
        g = { gpu: cut(id), model: '', tempC: null, powerW: null, powerLimitW: null, utilPct: null, memUsedMiB: null, memTotalMiB: null, throttle: [], xids: [] }
        per.set(id, g)
      }
      return g
    }
    const fields = [
      ['DCGM_FI_DEV_GPU_TEMP', 'tempC'],
      ['DCGM_FI_DEV_POWER_USAGE', 'powerW'],
      ['DCGM_FI_DEV_POWER_MGMT_LIMIT', 'powerLimitW'],
      ['DCGM_FI_DEV_GPU_UTIL', 'utilPct'],
      ['DCGM_FI_DEV_FB_USED', 'memUsedMiB'],
      ['DCGM_FI_DEV_FB_TOTAL', 'memTotalMiB'],
    ] as const
    for (const [metric, field] of fields) {
      for (const s of this.samples(metric)) {
        const g = gpuOf(s)
        if (!g) continue
        g[field] = finite(s.value)
        if (s.labels.modelName) g.model = cut(s.labels.modelName)
      }
    }
    for (const s of this.samples('odin_gpu_throttle_reason')) {
      const g = s.value === 1 ? gpuOf(s) : undefined
      if (g && g.throttle.length < STATUS_LIMITS.perGpu) g.throttle.push(cut(s.labels.reason))
    }
    for (const s of this.samples('odin_gpu_xid_errors_total')) {
      const g = s.value > 0 ? gpuOf(s) : undefined
      if (g && g.xids.length < STATUS_LIMITS.perGpu) g.xids.push({ xid: cut(s.labels.xid), count: s.value })
    }
    return [...per.values()].sort((a, b) => Number(a.gpu) - Number(b.gpu))
  }

  private groups(): StatusDoc['groups'] {
    const resident = new Map(
      this.samples('namedprocess_namegroup_memory_bytes')
        .filter((s) => s.labels.memtype === 'resident')
        .map((s) => [s.labels.groupname ?? '', s.value]),
    )
    return this.samples('namedprocess_namegroup_num_procs')
      .map((s) => {
        const name = s.labels.groupname ?? ''
        return { name, procs: s.value, cpuCores: this.groupCpuRate.get(name) ?? null, residentBytes: resident.get(name) ?? null }
      })
      .sort((a, b) => (b.cpuCores ?? 0) - (a.cpuCores ?? 0) || (b.residentBytes ?? 0) - (a.residentBytes ?? 0) || a.name.localeCompare(b.name))
      .slice(0, STATUS_LIMITS.groups)
      .map((g) => ({ ...g, name: cut(g.name), cpuCores: g.cpuCores === null ? null : Math.round(g.cpuCores * 1000) / 1000 }))
  }

  /** The families of the latest snapshot (for tests and the page's series count). */
  get latestFamilies(): readonly MetricFamily[] {
    return this.families
  }
}

/** Collectors or detectors by name, capped, with their state, error, duration and last success. */
function components(health: ReadonlyMap<string, ComponentHealth>, now = 0) {
  return [...health]
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, STATUS_LIMITS.components)
    .map(([name, h]) => ({
      name: cut(name),
      state: stateOf(h),
      error: cut(h.lastError ?? '', 200),
      durationMs: Math.round(h.lastDurationSeconds * 10_000) / 10,
      lastSuccessAgeSeconds: h.lastSuccessAt === null ? null : Math.max(0, Math.round((now - h.lastSuccessAt) / 1000)),
    }))
}

function stateOf(h: ComponentHealth): ComponentState {
  return h.success ? 'ok' : h.noData ? 'absent' : 'failing'
}
