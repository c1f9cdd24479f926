import { setImmediate } from 'node:timers'
import type { Logger } from '../log/logger.ts'
import type { Sample } from '../metrics/types.ts'
import type { ObservingDetector, SnapshotView } from './types.ts'
import { modelOptions, type DetectorOptions } from './anomaly/options.ts'
import { anomalyObserver, createSeriesAnomalyDetector, type SeriesSubject } from './series-anomaly.ts'
import { countDropped } from '../metrics/dropped.ts'

/**
 * The pod detector: per container (cAdvisor's series with container!=""), the CPU usage rate
 * (cores, derived from container_cpu_usage_seconds_total between ticks) and the working set
 * (container_memory_working_set_bytes), each scored by the compact model with a shorter
 * window (POD_MODEL), exported as odin_anomaly_score / odin_anomaly
 * {detector="pod",namespace,pod,container,series="cpu_usage_rate"|"memory_working_set"}.
 * Models persist in <data-dir>/anomaly-pod.model. A container is its namespace, pod and name,
 * so a restarted container keeps its models; one gone for `dropAfterMs` frees its slots.
 * Idle (no series, no file) where no container series exists.
 */
export interface PodAnomalyOptions {
  readonly dataDir: string
  readonly log: Logger
  /** Containers scored at most (two series each): the containers collector's cap. */
  readonly maxContainers?: number
  readonly now?: () => number
  readonly schedule?: (task: () => void) => void
  readonly detectorOptions?: Partial<DetectorOptions>
  readonly saveEveryMs?: number
  readonly holdMs?: number
  readonly dropAfterMs?: number
}

export const POD_DETECTOR = 'pod'
export const POD_OBSERVER = 'pod_anomaly'
export const CPU_SERIES = 'cpu_usage_rate'
export const MEMORY_SERIES = 'memory_working_set'
const CPU_FAMILY = 'container_cpu_usage_seconds_total'
const MEMORY_FAMILY = 'container_memory_working_set_bytes'

/**
 * The compact model with 6 trees instead of 10, a 960-row window (4 hours at 15 s) instead
 * of 2,000 and an 8-slot score cache instead of 64: the worst case of 400 series (the
 * 200-container cap), every tree at its most nodes and every key at Kubernetes' longest names,
 * must fit 16 MiB, under 41,943 bytes a series (the bound's history: docs/containers.md).
 * test/anomaly/pod-anomaly.test.ts asserts the bound and the measurement under it. The cache
 * slots only save CPU on repeated rows (scores are identical); the two trees cost about 1 NAB
 * point (docs/containers.md).
 */
export const POD_MODEL: Partial<DetectorOptions> = modelOptions('compact', { window: 960, trees: 6, scoreCacheSlots: 8 })

/**
 * The longest series key the pod detector can hold: namespace (63), pod (253) and container
 * (63) names at Kubernetes' limits with the longer series name, as the manager writes it.
 */
export const POD_MAX_KEY_CHARS = JSON.stringify(['n'.repeat(63), 'p'.repeat(253), 'c'.repeat(63), 'memory_working_set']).length

interface Counter {
  readonly id: string
  readonly value: number
  readonly at: number
}

interface ContainerPick {
  readonly ns: string
  readonly pod: string
  readonly container: string
  cpu?: Sample
  memory?: Sample
}

/** Containers of one snapshot in exposition order, the first sample of each kept. */
function containersOf(s: SnapshotView): Map<string, ContainerPick> {
  const out = new Map<string, ContainerPick>()
  for (const slot of ['cpu', 'memory'] as const) {
    for (const sample of s.family(slot === 'cpu' ? CPU_FAMILY : MEMORY_FAMILY)?.samples ?? []) {
      const { container, namespace = '', pod = '' } = sample.labels
      if (!container) continue
      if (slot === 'cpu' && sample.labels.cpu !== undefined && sample.labels.cpu !== 'total') continue
      const id = JSON.stringify([namespace, pod, container])
      let c = out.get(id)
      if (!c) {
        c = { ns: namespace, pod, container }
        out.set(id, c)
      }
      c[slot] ??= sample
    }
  }
  return out
}

export interface PodPicker {
  pick(s: SnapshotView): SeriesSubject[]
  /** Containers not scored for want of a slot, summed over every snapshot. */
  dropped(): number
}

/**
 * Picks the pod detector's subjects; keeps each container's last CPU counter to derive the
 * rate. A counter that goes down or comes from another cgroup (`id`: a restarted container)
 * restarts the derivation: no rate that tick, never a negative or inflated one. Slots are
 * per container (both its series), first come first served; a container unseen for
 * `dropAfterMs` gives its slot up, as the detector frees its models at the same age.
 */
export function createPodPicker(maxContainers = 200, dropAfterMs = 600_000): PodPicker {
  const counters = new Map<string, Counter>()
  /** Containers holding a slot, and when each was last seen. */
  const admitted = new Map<string, number>()
  let dropped = 0
  return {
    dropped: () => dropped,
    pick(s) {
      for (const [id, seen] of admitted) if (s.at - seen >= dropAfterMs) admitted.delete(id)
      for (const [id, c] of counters) if (s.at - c.at >= dropAfterMs) counters.delete(id)
      const out: SeriesSubject[] = []
      for (const [id, c] of containersOf(s)) {
        if (!admitted.has(id) && admitted.size >= maxContainers) {
          dropped++
          continue
        }
        admitted.set(id, s.at)
        const labels = { namespace: c.ns, pod: c.pod, container: c.container }
        if (c.cpu && Number.isFinite(c.cpu.value)) {
          const cgroup = c.cpu.labels.id ?? ''
          const prev = counters.get(id)
          counters.set(id, { id: cgroup, value: c.cpu.value, at: s.at })
          if (prev && prev.id === cgroup && c.cpu.value >= prev.value && s.at > prev.at) {
            const rate = (c.cpu.value - prev.value) / ((s.at - prev.at) / 1000)
            out.push({ key: JSON.stringify([c.ns, c.pod, c.container, CPU_SERIES]), labels: { ...labels, series: CPU_SERIES }, value: rate })
          }
        }
        if (c.memory && Number.isFinite(c.memory.value)) {
          out.push({ key: JSON.stringify([c.ns, c.pod, c.container, MEMORY_SERIES]), labels: { ...labels, series: MEMORY_SERIES }, value: c.memory.value })
        }
      }
      return out
    },
  }
}

export function createPodAnomalyDetector(opts: PodAnomalyOptions): ObservingDetector {
  const schedule = opts.schedule ?? ((task: () => void) => void setImmediate(task))
  const maxContainers = opts.maxContainers ?? 200
  const dropAfterMs = opts.dropAfterMs ?? 600_000
  const picker = createPodPicker(maxContainers, dropAfterMs)
  const detector = createSeriesAnomalyDetector({
    name: POD_DETECTOR,
    maxSeries: 2 * maxContainers,
    model: { ...POD_MODEL, ...opts.detectorOptions },
    pick: picker.pick,
    dataDir: opts.dataDir,
    log: opts.log,
    schedule,
    saveEveryMs: opts.saveEveryMs,
    holdMs: opts.holdMs,
    dropAfterMs,
  })
  return anomalyObserver(POD_OBSERVER, [detector], opts.now, (f) => {
    // A container without a slot costs its 4 samples (score and flag of 2 series) per snapshot,
    // a series the engine could not place its 2.
    const cut = 4 * picker.dropped() + 2 * detector.untracked()
    if (cut === 0 && detector.tracked() === 0) return
    countDropped(f, cut, POD_OBSERVER)
  })
}
