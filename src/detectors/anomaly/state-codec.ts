import type { DetectorState } from './detector.ts'
import { forestIsSound, maxNodesPerTree, recordSize, type Forest } from './forest.ts'
import { usesWeek } from './features.ts'
import { ALERT_MEMORY, type DetectorOptions } from './options.ts'
import type { SeasonalEnvelopeOptions, SeasonalEnvelopeState } from './seasonal-envelope.ts'

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
  weekly: DetectorOptions['weekly'] | null
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
    weekly: usesWeek(o) ? { ...o.weekly } : null,
    trees: o.trees,
    sampleSize: o.sampleSize,
    maxDepth: o.maxDepth,
    rowPrecision: o.rowPrecision,
    recurrence: o.recurrence && { ...o.recurrence },
    seed: o.seed,
  }
}

const b64 = (a: ArrayBufferView): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64')

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
const obj = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null)

export function encodeState(s: DetectorState, o: DetectorOptions): EncodedState {
  const f = s.forest
  return {
    shape: shapeOf(o),
    dim: s.dim,
    features: {
      recent: b64(s.features.recent),
      seen: s.features.seen,
      envelope: encodeEnvelope(s.features.envelope),
      week: s.features.week && encodeEnvelope(s.features.week),
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

const encodeEnvelope = (e: SeasonalEnvelopeState) => ({ id: b64(e.id), min: b64(e.min), max: b64(e.max) })

/** An envelope of exactly the slots these options give it, its values finite; null otherwise. */
function decodeEnvelope(v: unknown, o: SeasonalEnvelopeOptions): SeasonalEnvelopeState | null {
  const e = obj(v)
  const slots = envelopeSlots(o)
  const id = f64(e?.id, slots)
  const min = f64(e?.min, slots)
  const max = f64(e?.max, slots)
  return id && min && max && allFinite(min) && allFinite(max) ? { id, min, max } : null
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

/** Seasonal-envelope slots for these options (as createEnvelopeState sizes them). */
function envelopeSlots(o: SeasonalEnvelopeOptions): number {
  return Math.ceil((o.periodMs + 2 * o.toleranceMs) / o.bucketMs) + 2
}

/**
 * The most bytes the JSON of one encoded series can take under these options: every array at
 * its largest (base64 is 4/3 of the bytes), plus the scalars and the shape. The model file's
 * inflate cap is built from this, so a small file cannot inflate to more than a real model.
 */
export function maxEncodedStateBytes(o: DetectorOptions): number {
  const dim = o.features.length
  const b64len = (bytes: number) => 4 * Math.ceil(bytes / 3)
  const maxDepth = Math.max(1, Math.ceil(Math.log2(o.sampleSize)))
  const nodes = o.trees * maxNodesPerTree(o.sampleSize, maxDepth)
  const arrays =
    b64len(8 * Math.max(1, o.residualWindow)) +
    3 * b64len(8 * envelopeSlots(o.seasonal)) +
    (usesWeek(o) ? 3 * b64len(8 * envelopeSlots(o.weekly)) : 0) +
    b64len(8 * o.window * dim) +
    2 * b64len(8 * dim) +
    b64len(4 * o.trees) +
    b64len(4 * 2 * nodes) +
    b64len(4 * nodes * recordSize(dim)) +
    2 * b64len(8 * ALERT_MEMORY)
  return arrays + JSON.stringify(shapeOf(o)).length + 4096
}

const allFinite = (a: Float64Array | Float32Array): boolean => a.every(Number.isFinite)

/** A whole number in [min, max]: counts and ring positions, checked before any is used. */
const int = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number | null => (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : null)

/** The state stored by encodeState, or null when it does not fit these options. */
export function decodeState(v: unknown, o: DetectorOptions): DetectorState | null {
  const r = decodeStateChecked(v, o)
  return 'reason' in r ? null : r
}

/**
 * The state stored by encodeState, or why it cannot be used: `does not fit` (saved under
 * other options: not the file's fault) or `invalid ...` (a count, length or index out of range
 * in a file whose checksum held: hand-made or from a buggy writer).
 */
export function decodeStateChecked(v: unknown, o: DetectorOptions): DetectorState | { readonly reason: string } {
  const e = obj(v)
  if (!e || JSON.stringify(e.shape) !== JSON.stringify(shapeOf(o))) return { reason: 'does not fit these options' }
  const bad = (what: string) => ({ reason: `invalid ${what}` })
  const dim = o.features.length
  const feats = obj(e.features)
  const fb = obj(e.fallback)
  const cal = obj(e.calibration)
  if (e.dim !== dim) return bad('dim')
  if (!feats || !fb || !cal) return bad('structure')
  // Counts and ring positions: rows go to rowCount % window, recent values to seen % window.
  const rowCount = int(e.rowCount, 0)
  const rowsSinceTrain = int(e.rowsSinceTrain, 0)
  const trainRound = int(e.trainRound, 0)
  const cooldownLeft = int(e.cooldownLeft, 0, o.cooldown)
  const seen = int(feats.seen, 0)
  if (rowCount === null) return bad('rowCount')
  if (rowsSinceTrain === null || rowsSinceTrain > rowCount) return bad('rowsSinceTrain')
  if (trainRound === null) return bad('trainRound')
  if (cooldownLeft === null) return bad('cooldownLeft')
  if (seen === null) return bad('features.seen')
  const n = num(fb.n)
  const variance = num(fb.variance)
  if (n === null || n < 0) return bad('fallback.n')
  if (variance === null || variance < 0) return bad('fallback.variance')
  const alertScore = num(e.alertScore)
  if (alertScore === null || alertScore < 0 || alertScore > 1) return bad('alertScore')
  const recent = f64(feats.recent, Math.max(1, o.residualWindow))
  const envelope = decodeEnvelope(feats.envelope, o.seasonal)
  const week = usesWeek(o) ? decodeEnvelope(feats.week, o.weekly) : null
  if (!envelope || (usesWeek(o) && !week)) return bad('envelope')
  const rows = o.rowPrecision === 32 ? typed(e.rows, o.window * dim, (n) => new Float32Array(n)) : f64(e.rows, o.window * dim)
  if (!recent || !rows) return bad('array length')
  if (![recent, rows].every(allFinite)) return bad('non-finite value')
  const forest = decodeForest(e.forest, dim, o)
  if (forest === undefined) return bad('forest')
  const mean = num(fb.mean)
  const base = num(cal.base)
  const lastTrainAt = num(e.lastTrainAt)
  const lastT = e.lastT === null ? -Infinity : num(e.lastT)
  if (mean === null || base === null) return bad('fallback.mean or calibration.base')
  if (lastTrainAt === null || lastTrainAt < 0 || lastT === null) return bad('timestamps')
  // The recurrence memory: times and scores of the last alerts, the next at count % length.
  const al = obj(e.alerts)
  const alertTimes = f64(al?.times, ALERT_MEMORY)
  const alertScores = f64(al?.scores, ALERT_MEMORY)
  const alertCount = int(al?.count, 0)
  if (!alertTimes || !alertScores || alertCount === null) return bad('alerts')
  if (![alertTimes, alertScores].every(allFinite)) return bad('alerts: non-finite value')
  return {
    dim,
    features: { recent, seen, envelope, week },
    fallback: { n, mean, variance },
    rows,
    rowCount,
    rowsSinceTrain,
    trainRound,
    forest,
    calibration: { base },
    lastTrainAt,
    lastT,
    cooldownLeft,
    alertScore,
    alerts: { times: alertTimes, scores: alertScores, count: alertCount },
    trainPending: e.trainPending === true,
    lastTrainError: '',
  }
}
