import { describe, expect, it } from 'vitest'
import { forestScore, trainForest } from './forest.ts'
import { createRng } from './rng.ts'
import { createScoreCache } from './score-cache.ts'

function rowsOf(n: number, seed: number): Float64Array {
  const rng = createRng(seed)
  return Float64Array.from({ length: 2 * n }, (_, i) => (i % 2 ? rng.next() - 0.5 : Math.round(rng.next() * 40)))
}

describe('createScoreCache', () => {
  const rows = rowsOf(1500, 1)
  const a = trainForest(rows, 1500, 2, { trees: 40, sampleSize: 256, seed: 1 })
  const b = trainForest(rows, 1500, 2, { trees: 40, sampleSize: 256, seed: 2 })

  it('returns exactly forestScore, for repeated rows and past a full table', () => {
    const cache = createScoreCache(2)
    // 3,000 lookups of 1,500 rows, many of them repeats (integer values), the table emptied
    // several times on the way.
    for (let i = 0; i < 3000; i++) {
      const r = (i * 7) % 1500
      const x = rows.subarray(2 * r, 2 * r + 2)
      expect(cache.score(a, x)).toBe(forestScore(a, x))
    }
  })

  it('forgets the scores of a replaced forest', () => {
    const cache = createScoreCache(2)
    const x = Float64Array.of(100, 3)
    expect(cache.score(a, x)).toBe(forestScore(a, x))
    expect(cache.score(b, x)).toBe(forestScore(b, x))
    expect(forestScore(a, x)).not.toBe(forestScore(b, x))
  })
})
