import { forestScore, type Forest } from './forest.ts'

/**
 * forestScore with a memory of the rows it scored under the current forest. A forest's score
 * of a row never changes, and quantised metrics (counts, percentages to one decimal) bring the
 * same feature rows back often: on the public NAB files over a quarter of the points repeat a
 * row already scored since the last retrain. Rows match on their exact bits; the table is
 * emptied when the forest changes or it fills up, so memory stays fixed.
 */
export interface ScoreCache {
  score(forest: Forest, x: Float64Array): number
}

/** Slots in the table (a power of 2) unless told; it is emptied at three quarters full. */
const DEFAULT_SLOTS = 1024

export function createScoreCache(dim: number, slots = DEFAULT_SLOTS): ScoreCache {
  const words = 2 * dim
  // Keys as the rows' 32-bit halves, so -0 and 0 (or any two bit patterns) never share a slot.
  const keys = new Int32Array(slots * words)
  const values = new Float64Array(slots)
  const filled = new Uint8Array(slots)
  const bits = new Int32Array(words)
  const row = new Float64Array(bits.buffer)
  const scratch = new Float64Array(dim)
  let owner: Forest | null = null
  let count = 0

  const clear = (forest: Forest): void => {
    owner = forest
    filled.fill(0)
    count = 0
  }

  return {
    score(forest, x) {
      if (forest !== owner || count >= (slots * 3) / 4) clear(forest)
      row.set(x)
      let h = 0
      for (let w = 0; w < words; w++) h = Math.imul(h ^ bits[w]!, 0x9e3779b1) ^ (h >>> 15)
      for (let slot = (h ^ (h >>> 16)) & (slots - 1); ; slot = (slot + 1) & (slots - 1)) {
        if (!filled[slot]) {
          const s = forestScore(forest, x, scratch)
          keys.set(bits, slot * words)
          values[slot] = s
          filled[slot] = 1
          count++
          return s
        }
        let same = true
        for (let w = 0, k = slot * words; w < words && same; w++, k++) same = keys[k] === bits[w]
        if (same) return values[slot]!
      }
    },
  }
}
