import { describe, expect, it } from 'vitest'
import { forestBytes, forestIsSound, forestScore, maxForestBytes, pathLength, trainForest } from '../../src/detectors/anomaly/forest.ts'
import { gaussian } from './synthetic.ts'

function rowsOf(points: number[][]): Float64Array {
  return Float64Array.from(points.flat())
}

function cloud(n: number, seed: number): number[][] {
  const g = gaussian(seed)
  return Array.from({ length: n }, () => [10 + g(), 5 + 2 * g()])
}

describe('trainForest', () => {
  const pts = cloud(2000, 1)
  const rows = rowsOf(pts)
  const opts = { trees: 50, sampleSize: 256, seed: 7 }

  it('is deterministic for a seed and differs across seeds', () => {
    const a = trainForest(rows, pts.length, 2, opts)
    const b = trainForest(rows, pts.length, 2, opts)
    const c = trainForest(rows, pts.length, 2, { ...opts, seed: 8 })
    expect(b.nodes).toEqual(a.nodes)
    expect(b.links).toEqual(a.links)
    expect(c.nodes).not.toEqual(a.nodes)
  })

  it('holds memory bounded by trees and sample size, not by the rows', () => {
    const small = trainForest(rows.subarray(0, 600 * 2), 600, 2, opts)
    const big = trainForest(rows, pts.length, 2, opts)
    // Trees are stored as grown, so sizes differ, but never past the bound set by trees and psi.
    const bound = maxForestBytes(2, 50, 256)
    expect(forestBytes(small)).toBeLessThanOrEqual(bound)
    expect(forestBytes(big)).toBeLessThanOrEqual(bound)
    // Only grown nodes are stored: well under a complete tree of depth 8 per tree.
    const completeTrees = 50 * 511 * (5 + 2) * 4
    expect(forestBytes(big)).toBeLessThan(0.8 * completeTrees)
  })

  it('grows sound trees and recognises unsound ones', () => {
    const f = trainForest(rows, pts.length, 2, opts)
    expect(forestIsSound(f)).toBe(true)
    // A right child pointing back at its parent would loop; a feature past dim would misread.
    const internal = f.links.findIndex((v, i) => i % 2 === 0 && v >= 0) / 2
    const loop = { ...f, links: f.links.slice() }
    loop.links[2 * internal + 1] = internal
    expect(forestIsSound(loop)).toBe(false)
    const wide = { ...f, links: f.links.slice() }
    wide.links[2 * internal] = 2
    expect(forestIsSound(wide)).toBe(false)
    expect(forestIsSound({ ...f, nodes: f.nodes.subarray(1) })).toBe(false)
  })

  it('isolates an outlier faster than ordinary points', () => {
    const f = trainForest(rows, pts.length, 2, opts)
    const ordinary = forestScore(f, [10, 5])
    expect(ordinary).toBeLessThan(0.5)
    expect(forestScore(f, [16, 5])).toBeGreaterThan(0.7)
    expect(forestScore(f, [10, 25])).toBeGreaterThan(0.7)
  })

  it('ranks a far outlier above a near one, where the plain path length cannot', () => {
    const f = trainForest(rows, pts.length, 2, opts)
    const near = [15, 5]
    const far = [40, 5]
    // Both lie beyond every training row: the plain isolation path is the same for both.
    expect(pathLength(f, far, false)).toBeCloseTo(pathLength(f, near, false), 10)
    expect(pathLength(f, far, true)).toBeLessThan(pathLength(f, near, true))
    expect(forestScore(f, far)).toBeGreaterThan(forestScore(f, near))
  })

  it('scores points inside every box with the plain path length', () => {
    // With every row in every tree, a training row lies in the box of each node on its path.
    const f = trainForest(rows.subarray(0, 200 * 2), 200, 2, opts)
    for (const p of pts.slice(0, 20)) {
      expect(pathLength(f, p, true)).toBeCloseTo(pathLength(f, p, false), 10)
    }
  })

  it('survives constant data and values one float step apart', () => {
    const flat = trainForest(new Float64Array(200).fill(3), 100, 2, opts)
    expect(forestScore(flat, [3, 3])).toBeLessThan(0.5)
    // Every feature was constant: any change is news, fully so when all features move.
    expect(forestScore(flat, [3.5, 3])).toBeGreaterThan(0.7)
    expect(forestScore(flat, [3.5, 2.5])).toBe(1)
    const tiny = Float64Array.from({ length: 400 }, (_, i) => 1 + (i % 2) * Number.EPSILON)
    const t = trainForest(tiny, 400, 1, opts)
    expect(Number.isFinite(forestScore(t, [1]))).toBe(true)
  })

  it('keeps float32 boxes around their rows for large magnitudes', () => {
    const big = Float64Array.from({ length: 250 }, (_, i) => 4.5e8 + (i % 97) * 1234.5)
    const f = trainForest(big, 250, 1, opts)
    for (const v of [4.5e8, 4.5e8 + 96 * 1234.5]) {
      expect(pathLength(f, [v], true)).toBeCloseTo(pathLength(f, [v], false), 10)
    }
  })

  it('refuses fewer than two rows', () => {
    expect(() => trainForest(new Float64Array(2), 1, 2, opts)).toThrow(RangeError)
  })
})
