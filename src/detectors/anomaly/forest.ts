import { createRng } from './rng.ts'

/**
 * Isolation Forest (Liu, Ting and Zhou 2008) with per-tree subsampling and a flat, bounded
 * layout: every tree is a complete binary tree of depth `maxDepth` stored in typed arrays
 * (heap order, children of node i at 2i+1 and 2i+2), and leaves keep only their row count.
 * Memory is `trees * (2^(maxDepth+1) - 1) * 11` bytes whatever the training set size, and
 * scoring one point costs at most `trees * maxDepth` comparisons.
 */
export interface ForestOptions {
  /** Number of trees. */
  readonly trees: number
  /** Rows drawn (without replacement) to grow each tree: psi in the paper. */
  readonly sampleSize: number
  /** Seed for the row sampling and the splits. */
  readonly seed: number
}

export interface Forest {
  readonly dim: number
  readonly trees: number
  readonly sampleSize: number
  readonly maxDepth: number
  /** Split feature per node; -1 marks a leaf, -2 a node that does not exist. */
  readonly feature: Int8Array
  readonly threshold: Float64Array
  /** Training rows that reached each leaf. */
  readonly leafSize: Uint16Array
}

const EULER = 0.5772156649

/** Average path length of an unsuccessful BST search among n points: c(n) in the paper. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0
  if (n === 2) return 1
  return 2 * (Math.log(n - 1) + EULER) - (2 * (n - 1)) / n
}

export function nodesPerTree(maxDepth: number): number {
  return 2 ** (maxDepth + 1) - 1
}

/**
 * Grows a forest on `rows` (row-major, `count` rows of `dim` features). Deterministic for a
 * given seed. Features must be finite.
 */
export function trainForest(
  rows: Float64Array,
  count: number,
  dim: number,
  options: ForestOptions,
): Forest {
  if (count < 2) throw new RangeError(`isolation forest needs at least 2 rows, got ${count}`)
  if (dim < 1 || dim > 127) throw new RangeError(`isolation forest dim must be 1..127, got ${dim}`)
  const psi = Math.min(options.sampleSize, count)
  const maxDepth = Math.max(1, Math.ceil(Math.log2(psi)))
  const perTree = nodesPerTree(maxDepth)
  const feature = new Int8Array(perTree * options.trees).fill(-2)
  const threshold = new Float64Array(perTree * options.trees)
  const leafSize = new Uint16Array(perTree * options.trees)
  const rng = createRng(options.seed)
  const all = new Uint32Array(count)
  const idx = new Uint32Array(psi)
  const candidates = new Int8Array(dim)

  const grow = (base: number, node: number, lo: number, hi: number, depth: number): void => {
    const at = base + node
    const n = hi - lo
    if (depth >= maxDepth || n <= 1) {
      feature[at] = -1
      leafSize[at] = n
      return
    }
    // Pick uniformly among the features that still vary in this node.
    let nCand = 0
    for (let f = 0; f < dim; f++) {
      let min = Infinity
      let max = -Infinity
      for (let k = lo; k < hi; k++) {
        const v = rows[idx[k]! * dim + f]!
        if (v < min) min = v
        if (v > max) max = v
      }
      if (max > min) candidates[nCand++] = f
    }
    if (nCand === 0) {
      feature[at] = -1
      leafSize[at] = n
      return
    }
    const f = candidates[rng.int(nCand)]!
    let min = Infinity
    let max = -Infinity
    for (let k = lo; k < hi; k++) {
      const v = rows[idx[k]! * dim + f]!
      if (v < min) min = v
      if (v > max) max = v
    }
    let split = min + rng.next() * (max - min)
    if (split <= min) split = (min + max) / 2
    // Partition idx[lo..hi) into < split and >= split.
    let i = lo
    let j = hi - 1
    while (i <= j) {
      if (rows[idx[i]! * dim + f]! < split) {
        i++
      } else {
        const tmp = idx[i]!
        idx[i] = idx[j]!
        idx[j] = tmp
        j--
      }
    }
    feature[at] = f
    threshold[at] = split
    grow(base, 2 * node + 1, lo, i, depth + 1)
    grow(base, 2 * node + 2, i, hi, depth + 1)
  }

  for (let t = 0; t < options.trees; t++) {
    for (let k = 0; k < count; k++) all[k] = k
    // Partial Fisher-Yates: the first psi entries are a uniform sample without replacement.
    for (let k = 0; k < psi; k++) {
      const r = k + rng.int(count - k)
      const tmp = all[k]!
      all[k] = all[r]!
      all[r] = tmp
      idx[k] = all[k]!
    }
    grow(t * perTree, 0, 0, psi, 0)
  }
  return { dim, trees: options.trees, sampleSize: psi, maxDepth, feature, threshold, leafSize }
}

/** Mean path length of `x` over the trees, leaf sizes adjusted by c(n). */
export function meanPathLength(forest: Forest, x: ArrayLike<number>): number {
  const perTree = nodesPerTree(forest.maxDepth)
  const { feature, threshold, leafSize } = forest
  let total = 0
  for (let t = 0; t < forest.trees; t++) {
    const base = t * perTree
    let node = 0
    let depth = 0
    for (;;) {
      const f = feature[base + node]!
      if (f < 0) break
      node = x[f]! < threshold[base + node]! ? 2 * node + 1 : 2 * node + 2
      depth++
    }
    total += depth + averagePathLength(leafSize[base + node]!)
  }
  return total / forest.trees
}

/** The paper's score s = 2^(-E[h(x)] / c(psi)): about 0.5 for ordinary points, near 1 for outliers. */
export function forestScore(forest: Forest, x: ArrayLike<number>): number {
  return 2 ** (-meanPathLength(forest, x) / averagePathLength(forest.sampleSize))
}
