import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createDetector } from '../../src/detectors/anomaly/detector.ts'
import { loadDetector, saveDetector } from '../../src/detectors/anomaly/detector-file.ts'
import { forestBytes, maxForestBytes } from '../../src/detectors/anomaly/forest.ts'
import { encodeModel, MODEL_VERSION } from '../../src/detectors/anomaly/model-file.ts'
import { COMPACT_OPTIONS, modelOptions, resolveOptions } from '../../src/detectors/anomaly/options.ts'
import { encodeState } from '../../src/detectors/anomaly/state-codec.ts'
import { DAY, dailySeries, timeOf } from './synthetic.ts'
import { structuralBytes } from './structural-bytes.ts'

/** The per-detector score cache: keys (2 int32 per feature), values (float64), filled flags. */
const cacheBytes = (slots: number, dim: number): number => slots * (8 * dim + 8 + 1)

const KIB64 = 64 * 1024

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'odin-compact-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

describe('compact model: memory per series', () => {
  const xs = dailySeries(14 * DAY, 2, 5)
  const d = createDetector(modelOptions('compact'))
  for (let i = 0; i < xs.length; i++) d.observe(timeOf(i), xs[i]!)
  const o = d.options

  it('is trained and uses the compact options', () => {
    expect(d.state.forest).not.toBeNull()
    expect(d.state.forest!.maxDepth).toBe(6)
    expect(d.state.rows).toBeInstanceOf(Float32Array)
    expect(o.trees).toBe(COMPACT_OPTIONS.trees)
  })

  it('holds at most 64 KiB, all state included, measured and by its bound', () => {
    const measured = structuralBytes(d.state) + cacheBytes(o.scoreCacheSlots, o.features.length)
    const bound =
      maxForestBytes(o.features.length, o.trees, o.sampleSize, o.maxDepth) +
      (structuralBytes(d.state) - forestBytes(d.state.forest!)) +
      cacheBytes(o.scoreCacheSlots, o.features.length)
    // Printed for the record (docs/anomaly.md quotes these).
    console.log(`compact state: ${measured} B measured, ${bound} B bound, forest ${forestBytes(d.state.forest!)} B`)
    expect(measured).toBeLessThanOrEqual(bound)
    expect(bound).toBeLessThanOrEqual(KIB64)
  })

  it('serialises to at most 64 KiB (model file, header included)', () => {
    const file = encodeModel({ kind: 'odin-anomaly-detector', state: encodeState(d.state, o) })
    const json = JSON.stringify(encodeState(d.state, o)).length
    console.log(`compact model file: ${file.length} B deflated, ${json} B of JSON`)
    expect(file.length).toBeLessThanOrEqual(KIB64)
  })

  it('is a fraction of the default model', () => {
    const def = createDetector()
    for (let i = 0; i < xs.length; i++) def.observe(timeOf(i), xs[i]!)
    const defBytes = structuralBytes(def.state) + cacheBytes(def.options.scoreCacheSlots, 2)
    console.log(`default state: ${defBytes} B measured`)
    expect(structuralBytes(d.state) * 10).toBeLessThan(defBytes)
  })
})

describe('compact model: persistence and properties', () => {
  const xs = dailySeries(6 * DAY, 0.5, 9)
  xs[5 * DAY + 7] = xs[5 * DAY + 7]! + 25

  it('round-trips: a restored compact detector continues exactly like the original', () => {
    const a = createDetector(modelOptions('compact'))
    for (let i = 0; i < 3 * DAY; i++) a.observe(timeOf(i), xs[i]!)
    const path = join(dir, 'c.model')
    saveDetector(path, a)
    const { detector: b, restored } = loadDetector(path, modelOptions('compact'))
    expect(restored).toBe(true)
    for (let i = 3 * DAY; i < xs.length; i++) {
      expect(b.observe(timeOf(i), xs[i]!)).toEqual(a.observe(timeOf(i), xs[i]!))
    }
  })

  it('does not load a default model as compact, or the reverse', () => {
    const a = createDetector()
    for (let i = 0; i < 2 * DAY; i++) a.observe(timeOf(i), xs[i]!)
    const path = join(dir, 'd.model')
    saveDetector(path, a)
    expect(loadDetector(path, modelOptions('compact')).reason).toBe('model does not fit these options')
    const c = createDetector(modelOptions('compact'))
    for (let i = 0; i < 2 * DAY; i++) c.observe(timeOf(i), xs[i]!)
    saveDetector(path, c)
    expect(loadDetector(path).restored).toBe(false)
  })

  it('refuses a well-formed file of the previous format version and starts cold', () => {
    const a = createDetector()
    for (let i = 0; i < 2 * DAY; i++) a.observe(timeOf(i), xs[i]!)
    const path = join(dir, 'old.model')
    saveDetector(path, a)
    const text = readFileSync(path)
    const nl = text.indexOf(0x0a)
    const header = text
      .subarray(0, nl)
      .toString('latin1')
      .replace(`model ${MODEL_VERSION} `, `model ${MODEL_VERSION - 1} `)
    writeFileSync(path, Buffer.concat([Buffer.from(header, 'latin1'), text.subarray(nl)]))
    const loaded = loadDetector(path)
    expect(loaded.restored).toBe(false)
    expect(loaded.reason).toBe(`model version ${MODEL_VERSION - 1}, want ${MODEL_VERSION}`)
  })

  it('is causal: every prefix scores as the full run does', () => {
    const full = createDetector(modelOptions('compact'))
    const scores = xs.map((x, i) => full.observe(timeOf(i), x).score)
    for (const cut of [200, 3 * DAY + 1, 5 * DAY + 8]) {
      const p = createDetector(modelOptions('compact'))
      const prefix = xs.slice(0, cut).map((x, i) => p.observe(timeOf(i), x).score)
      expect(prefix).toEqual(scores.slice(0, cut))
    }
  })

  it('is deterministic for a seed and flags the spike', () => {
    const run = () => {
      const d = createDetector(modelOptions('compact'))
      return xs.map((x, i) => d.observe(timeOf(i), x))
    }
    const a = run()
    expect(run()).toEqual(a)
    expect(a[5 * DAY + 7]!.anomalous).toBe(true)
  })

  it('rejects options it cannot hold', () => {
    expect(() => resolveOptions({ scoreCacheSlots: 100 })).toThrow(RangeError)
    expect(() => resolveOptions({ maxDepth: -1 })).toThrow(RangeError)
    expect(() => resolveOptions({ maxDepth: 2.5 })).toThrow(RangeError)
    expect(() => resolveOptions({ rowPrecision: 16 as 32 })).toThrow(RangeError)
  })
})
