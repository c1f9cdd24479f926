import type { DetectorState } from './detector.ts'
import { forestIsSound, maxNodesPerTree, recordSize, type Forest } from './forest.ts'
import { ALERT_MEMORY, type DetectorOptions } from './options.ts'

/**
 * Detector state <-> plain JSON. Typed arrays travel as base64 of their bytes (little-endian,
 * as every platform the agent ships for). `decodeState` checks every length against the
 * options and returns null for anything that does not fit: the caller retrains.
 */
export interface EncodedState {
  readonly shape: Shape
  readonly [key: string]: unknown
}

/** What must match between the options and a stored state for the state to be usable. */
interface Shape {
  features: string[]
  window: number
  residualWindow: number
  seasonal: DetectorOptions['seasonal']
  trees: number
  sampleSize: number
  maxDepth: number
  rowPrecision: number
  recurrence: DetectorOptions['recurrence']
  seed: number
}

function shapeOf(o: DetectorOptions): Shape {
  return {
    features: [...o.features],
    window: o.window,
    residualWindow: o.residualWindow,
    seasonal: { ...o.seasonal },
    trees: o.trees,
    sampleSize: o.sampleSize,
    maxDepth: o.maxDepth,
    rowPrecision: o.rowPrecision,
    recurrence: o.recurrence && { ...o.recurrence },
    seed: o.seed,
  }
}

const b64 = (a: ArrayBufferView): string =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')

function f64(v: unknown, length: number): Float64Array | null {
  if (typeof v !== 'string') return null
  const buf = Buffer.from(v, 'base64')
  if (buf.byteLength !== length * 8) return null
  const out = new Float64Array(length)
  new Uint8Array(out.buffer).set(buf)
  return out
}

/** A float32 or int32 array of exactly `length` elements. */
function typed<T extends Float32Array | Int32Array>(v: unknown, length: number, make: (n: number) => T): T | null {
  if (typeof v !== 'string' || !(length >= 0)) return null
  const buf = Buffer.from(v, 'base64')
  if (buf.byteLength !== length * 4) return null
  const out = make(length)
  new Uint8Array(out.buffer).set(buf)
  return out
}

/** Elements in a base64 string of 4-byte elements (-1 when it is not one). */
function count4(v: unknown): number {
  if (typeof v !== 'string') return -1
  const bytes = Buffer.byteLength(v, 'base64')
  return bytes % 4 === 0 ? bytes / 4 : -1
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null

export function encodeState(s: DetectorState, o: DetectorOptions): EncodedState {
  const f = s.forest
  return {
    shape: shapeOf(o),
    dim: s.dim,
    features: {
      recent: b64(s.features.recent),
      seen: s.features.seen,
      envelope: { id: b64(s.features.envelope.id), min: b64(s.features.envelope.min), max: b64(s.features.envelope.max) },
    },
    fallback: { ...s.fallback },
    rows: b64(s.rows),
    rowCount: s.rowCount,
    rowsSinceTrain: s.rowsSinceTrain,
    trainRound: s.trainRound,
    forest: f && {
      dim: f.dim,
      trees: f.trees,
      sampleSize: f.sampleSize,
      maxDepth: f.maxDepth,
      offset: b64(f.offset),
      weight: b64(f.weight),
      roots: b64(f.roots),
      links: b64(f.links),
      nodes: b64(f.nodes),
    },
    calibration: { base: s.calibration.base },
    lastTrainAt: s.lastTrainAt,
    lastT: Number.isFinite(s.lastT) ? s.lastT : null,
    cooldownLeft: s.cooldownLeft,
    alertScore: s.alertScore,
    alerts: { times: b64(s.alerts.times), scores: b64(s.alerts.scores), count: s.alerts.count },
    trainPending: s.trainPending,
  }
}

function decodeForest(v: unknown, dim: number, o: DetectorOptions): Forest | null | undefined {
  if (v === null) return null
  const f = obj(v)
  if (!f) return undefined
  const sampleSize = num(f.sampleSize)
  const maxDepth = num(f.maxDepth)
  if (f.dim !== dim || f.trees !== o.trees || sampleSize === null || maxDepth === null) return undefined
  if (sampleSize < 2 || sampleSize > o.sampleSize || maxDepth !== Math.max(1, Math.min(o.maxDepth || Infinity, Math.ceil(Math.log2(sampleSize))))) {
    return undefined
  }
  const offset = f64(f.offset, dim)
  const weight = f64(f.weight, dim)
  const count = count4(f.links) / 2
  if (!Number.isInteger(count) || count < 1 || count > o.trees * maxNodesPerTree(sampleSize, maxDepth)) {
    return undefined
  }
  const roots = typed(f.roots, o.trees, (n) => new Int32Array(n))
  const links = typed(f.links, 2 * count, (n) => new Int32Array(n))
  const nodes = typed(f.nodes, count * recordSize(dim), (n) => new Float32Array(n))
  if (!offset || !weight || !roots || !links || !nodes) return undefined
  const forest = { dim, trees: o.trees, sampleSize, maxDepth, offset, weight, roots, links, nodes }
  // A file that passed its checksum can still be hand-made: never walk trees that could loop.
  return forestIsSound(forest) ? forest : undefined
}

/** The state stored by encodeState, or null when it does not fit these options. */
export function decodeState(v: unknown, o: DetectorOptions): DetectorState | null {
  const e = obj(v)
  if (!e || JSON.stringify(e.shape) !== JSON.stringify(shapeOf(o))) return null
  const dim = o.features.length
  const feats = obj(e.features)
  const env = obj(feats?.envelope)
  const fb = obj(e.fallback)
  const cal = obj(e.calibration)
  if (e.dim !== dim || !feats || !env || !fb || !cal) return null
  const slots = Math.ceil((o.seasonal.periodMs + 2 * o.seasonal.toleranceMs) / o.seasonal.bucketMs) + 2
  const recent = f64(feats.recent, Math.max(1, o.residualWindow))
  const id = f64(env.id, slots)
  const min = f64(env.min, slots)
  const max = f64(env.max, slots)
  const rows = o.rowPrecision === 32 ? typed(e.rows, o.window * dim, (n) => new Float32Array(n)) : f64(e.rows, o.window * dim)
  const forest = decodeForest(e.forest, dim, o)
  const seen = num(feats.seen)
  const n = num(fb.n)
  const mean = num(fb.mean)
  const variance = num(fb.variance)
  const base = num(cal.base)
  const ints = [e.rowCount, e.rowsSinceTrain, e.trainRound, e.cooldownLeft].map(num)
  const lastTrainAt = num(e.lastTrainAt)
  const alertScore = num(e.alertScore)
  const lastT = e.lastT === null ? -Infinity : num(e.lastT)
  const al = obj(e.alerts)
  const alertTimes = f64(al?.times, ALERT_MEMORY)
  const alertScores = f64(al?.scores, ALERT_MEMORY)
  const alertCount = num(al?.count)
  if (!alertTimes || !alertScores || alertCount === null) return null
  if (!recent || !id || !min || !max || !rows || forest === undefined || seen === null) return null
  if (n === null || mean === null || variance === null || base === null || ints.includes(null)) return null
  if (lastTrainAt === null || alertScore === null || lastT === null) return null
  const [rowCount, rowsSinceTrain, trainRound, cooldownLeft] = ints as number[]
  return {
    dim,
    features: { recent, seen, envelope: { id, min, max } },
    fallback: { n, mean, variance },
    rows,
    rowCount: rowCount!,
    rowsSinceTrain: rowsSinceTrain!,
    trainRound: trainRound!,
    forest,
    calibration: { base },
    lastTrainAt,
    lastT,
    cooldownLeft: cooldownLeft!,
    alertScore,
    alerts: { times: alertTimes, scores: alertScores, count: alertCount },
    trainPending: e.trainPending === true,
    lastTrainError: '',
  }
}
