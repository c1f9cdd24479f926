import { describe, expect, it } from 'vitest'
import { forestBytes, maxForestBytes, trainForest } from './forest.ts'
import { createRng } from './rng.ts'

function noisyRows(n: number, seed: number): Float64Array {
  const rng = createRng(seed)
  return Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 ? rng.next() : 10 + Math.round(rng.next() * 20)))
}

describe('trainForest with a replaced forest', () => {
  const opts = { trees: 30, sampleSize: 256, seed: 3 }

  it('grows the same forest as without one, in the replaced forest memory when it has room', () => {
    const first = trainForest(noisyRows(1000, 1), 1000, 2, opts)
    const rows = noisyRows(1000, 2)
    const fresh = trainForest(rows, 1000, 2, { ...opts, seed: 4 })
    const roomy = { ...first, nodes: new Float32Array(fresh.nodes.length + 8), links: new Int32Array(fresh.links.length + 8) }
    const reused = trainForest(rows, 1000, 2, { ...opts, seed: 4 }, roomy)
    expect(reused.nodes).toEqual(fresh.nodes)
    expect(reused.links).toEqual(fresh.links)
    expect(reused.nodes.buffer).toBe(roomy.nodes.buffer)
    expect(reused.links.buffer).toBe(roomy.links.buffer)
  })

  it('allocates when the replaced forest is too small, within the memory bound', () => {
    const rows = noisyRows(1000, 5)
    const tiny = trainForest(noisyRows(3, 6), 3, 2, opts)
    const f = trainForest(rows, 1000, 2, opts, tiny)
    expect(f.nodes.buffer).not.toBe(tiny.nodes.buffer)
    expect(f.nodes).toEqual(trainForest(rows, 1000, 2, opts).nodes)
    expect(forestBytes(f)).toBeLessThanOrEqual(maxForestBytes(2, opts.trees, opts.sampleSize))
  })
})
