import type { MetricFamily } from '../metrics/types.ts'

/** The last hour of every scored series, for the status page's sparklines. */
export const HISTORY_BUCKETS = 240
export const HISTORY_BUCKET_MS = 15_000
/** Series kept at most (the anomaly detector scores 8 host and 32 GPU series at most). */
export const HISTORY_MAX_SERIES = 48

interface Ring {
  readonly detector: string
  readonly series: string
  /** Bucket number (at / HISTORY_BUCKET_MS) each slot holds; -1 when empty. */
  readonly bucket: Int32Array
  /** Highest score seen in the slot's bucket. */
  readonly score: Float32Array
  /** 1 where an alert was raised (odin_anomaly went from 0 to 1) in the slot's bucket. */
  readonly alert: Uint8Array
  flagged: boolean
  lastBucket: number
}

export interface SeriesHistory {
  readonly detector: string
  readonly series: string
  /** Scores of the last HISTORY_BUCKETS buckets, oldest first; null where none was taken. */
  readonly scores: (number | null)[]
  /** Indexes into `scores` of the buckets in which an alert was raised. */
  readonly alerts: number[]
}

const key = (detector: string, series: string) => `${detector}\u0000${series}`

/**
 * A fixed ring of 15-second buckets per series, filled from odin_anomaly_score and
 * odin_anomaly as each snapshot is published: 9 bytes a bucket, 2,160 bytes a series,
 * at most 48 series (about 104 KB of typed arrays), whatever the sampling interval.
 * A series unseen for an hour is dropped; one beyond the cap is not kept.
 */
export class ScoreHistory {
  private readonly rings = new Map<string, Ring>()

  record(at: number, families: readonly MetricFamily[]): void {
    const bucket = Math.floor(at / HISTORY_BUCKET_MS)
    const slot = bucket % HISTORY_BUCKETS
    const flags = new Map<string, boolean>()
    for (const f of families) {
      if (f.name === 'odin_anomaly') {
        for (const s of f.samples) flags.set(key(s.labels.detector ?? '', s.labels.series ?? ''), s.value === 1)
      }
    }
    for (const f of families) {
      if (f.name !== 'odin_anomaly_score') continue
      for (const s of f.samples) {
        const detector = s.labels.detector ?? ''
        const series = s.labels.series ?? ''
        const k = key(detector, series)
        let ring = this.rings.get(k)
        if (!ring) {
          if (this.rings.size >= HISTORY_MAX_SERIES) continue
          ring = {
            detector,
            series,
            bucket: new Int32Array(HISTORY_BUCKETS).fill(-1),
            score: new Float32Array(HISTORY_BUCKETS),
            alert: new Uint8Array(HISTORY_BUCKETS),
            flagged: false,
            lastBucket: bucket,
          }
          this.rings.set(k, ring)
        }
        if (ring.bucket[slot] !== bucket) {
          ring.bucket[slot] = bucket
          ring.score[slot] = Number.NEGATIVE_INFINITY
          ring.alert[slot] = 0
        }
        if (Number.isFinite(s.value)) ring.score[slot] = Math.max(ring.score[slot] as number, s.value)
        const flagged = flags.get(k) ?? false
        if (flagged && !ring.flagged) ring.alert[slot] = 1
        ring.flagged = flagged
        ring.lastBucket = bucket
      }
    }
    for (const [k, ring] of this.rings) {
      if (bucket - ring.lastBucket >= HISTORY_BUCKETS) this.rings.delete(k)
    }
  }

  /** Every series' last hour up to the bucket holding `now`, sorted by detector and series. */
  series(now: number): SeriesHistory[] {
    const last = Math.floor(now / HISTORY_BUCKET_MS)
    const out: SeriesHistory[] = []
    for (const ring of this.rings.values()) {
      const scores: (number | null)[] = []
      const alerts: number[] = []
      for (let i = 0; i < HISTORY_BUCKETS; i++) {
        const b = last - HISTORY_BUCKETS + 1 + i
        const slot = ((b % HISTORY_BUCKETS) + HISTORY_BUCKETS) % HISTORY_BUCKETS
        const held = ring.bucket[slot] === b && Number.isFinite(ring.score[slot])
        scores.push(held ? Math.round((ring.score[slot] as number) * 1000) / 1000 : null)
        if (held && ring.alert[slot] === 1) alerts.push(i)
      }
      out.push({ detector: ring.detector, series: ring.series, scores, alerts })
    }
    return out.sort((a, b) => a.detector.localeCompare(b.detector) || a.series.localeCompare(b.series))
  }

  /** Bytes held in typed arrays (the bound the README states). */
  get bytes(): number {
    let n = 0
    for (const r of this.rings.values()) n += r.bucket.byteLength + r.score.byteLength + r.alert.byteLength
    return n
  }

  get size(): number {
    return this.rings.size
  }
}
