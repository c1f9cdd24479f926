import { Families } from '../metrics/families.ts'
import type { FamilyDecl } from '../metrics/declared.ts'
import type { MetricFamily } from '../metrics/types.ts'
import { observingDetector, type ObservingDetector, type SnapshotView } from './types.ts'

export interface DiskFillOptions {
  /** History kept per filesystem, in milliseconds (default 6 h). */
  readonly windowMs?: number
  /** Minimum history before a forecast is made (default 30 min). */
  readonly minSpanMs?: number
  /** Points kept per filesystem; older points are thinned (default 360). */
  readonly maxPoints?: number
  /** Forecasts beyond this horizon are not exported (default 30 days). */
  readonly horizonMs?: number
}

/** The one family the forecaster emits. */
export const DISK_FILL_DECL = {
  name: 'odin_disk_fill_eta_seconds',
  type: 'gauge',
  help: 'odin-agent: Predicted seconds until the filesystem has no space available (linear fit over the last hours); absent when not filling.',
} as const satisfies FamilyDecl

interface Point {
  t: number
  avail: number
}

interface Series {
  device: string
  mountpoint: string
  fstype: string
  points: Point[]
}

/**
 * Forecasts when each filesystem fills: a least-squares line through its available
 * bytes over a rolling window, as Prometheus's predict_linear does, but kept in the agent
 * so the forecast survives a Prometheus outage and reaches the status page.
 */
export function createDiskFillForecaster(options: DiskFillOptions = {}): ObservingDetector {
  const windowMs = options.windowMs ?? 6 * 3600_000
  const minSpanMs = options.minSpanMs ?? 30 * 60_000
  const maxPoints = options.maxPoints ?? 360
  const horizonMs = options.horizonMs ?? 30 * 86_400_000
  const series = new Map<string, Series>()
  let lastAt = 0

  const observe = (snapshot: SnapshotView) => {
    lastAt = snapshot.at
    const avail = snapshot.family('node_filesystem_avail_bytes')
    const seen = new Set<string>()
    for (const s of avail?.samples ?? []) {
      const { device = '', mountpoint = '', fstype = '' } = s.labels
      const key = `${device}\u0000${mountpoint}`
      seen.add(key)
      let entry = series.get(key)
      if (!entry) {
        entry = { device, mountpoint, fstype, points: [] }
        series.set(key, entry)
      }
      entry.points.push({ t: snapshot.at, avail: s.value })
      while (entry.points.length > 0 && (entry.points[0] as Point).t < snapshot.at - windowMs) {
        entry.points.shift()
      }
      if (entry.points.length > maxPoints) {
        // Thin the older half so memory stays bounded while recent detail is kept.
        const half = Math.floor(entry.points.length / 2)
        entry.points = [...entry.points.slice(0, half).filter((_, i) => i % 2 === 0), ...entry.points.slice(half)]
      }
    }
    for (const key of [...series.keys()]) {
      if (!seen.has(key)) {
        series.delete(key)
      }
    }
  }

  const families = (): MetricFamily[] => {
    const f = new Families()
    for (const s of series.values()) {
      const eta = secondsUntilFull(s.points, lastAt, minSpanMs)
      if (eta !== undefined && eta * 1000 <= horizonMs) {
        f.put(DISK_FILL_DECL, eta, { device: s.device, mountpoint: s.mountpoint, fstype: s.fstype })
      }
    }
    return f.list()
  }

  return observingDetector({ name: 'disk_fill', observe, families })
}

/** Seconds from `now` until the fitted line reaches zero, or undefined if not filling. */
export function secondsUntilFull(points: readonly Point[], now: number, minSpanMs: number): number | undefined {
  if (points.length < 3) {
    return undefined
  }
  const first = points[0] as Point
  const last = points[points.length - 1] as Point
  if (last.t - first.t < minSpanMs) {
    return undefined
  }
  let sx = 0
  let sy = 0
  for (const p of points) {
    sx += p.t - first.t
    sy += p.avail
  }
  const mx = sx / points.length
  const my = sy / points.length
  let sxy = 0
  let sxx = 0
  for (const p of points) {
    const dx = p.t - first.t - mx
    sxy += dx * (p.avail - my)
    sxx += dx * dx
  }
  if (sxx === 0) {
    return undefined
  }
  const slopePerMs = sxy / sxx
  if (slopePerMs >= 0) {
    return undefined
  }
  const availNow = my + slopePerMs * (now - first.t - mx)
  if (availNow <= 0) {
    return 0
  }
  return availNow / -slopePerMs / 1000
}
