import { f32Down, f32Up } from './float32.ts'

/**
 * Isolation Forest (Liu, Ting and Zhou 2008) with per-tree subsampling, a compact flat layout
 * and a box-aware path length.
 *
 * Layout: the trees' nodes, tree after tree, each tree in preorder (a node's left child is the
 * next node), in two arrays: `links` (int32, two per node: the split feature or -1 for a
 * leaf, then the right child's index or the leaf's row count) and `nodes` (float32 records of
 * `1 + 2 * dim`: the split threshold (0 in a leaf), then lo_0, hi_0, lo_1, hi_1, ..., bounding
 * the training rows that reached the node, rounded outwards). `roots[t]` is tree t's first
 * node. Integers kept apart from floats let the path walk index without conversions. Only grown nodes are stored (about 300 per tree of 512 rows, against 1,023 for a
 * complete tree of that depth), and a path walks forwards through one tree, so scoring touches
 * few cache lines. Features are stored relative to `offset` (the centre of the training range)
 * so float32 keeps their resolution. A tree of psi rows has at most 2 psi - 1 nodes, so memory
 * is bounded by `trees * (2 psi - 1) * (12 + 8 * dim)` bytes whatever the training set size;
 * scoring visits at most `trees * (maxDepth + 1)` records.
 *
 * Box-aware path: in a plain isolation tree a point beyond the training range follows the
 * extreme training rows and gets their path length however far out it lies, so a spike twice
 * the previous maximum scores like the previous maximum. Here, at each node on the path, the
 * point is taken as isolated with the probability that a random cut of that node, drawn over
 * its box stretched to include the point, would separate it (the mean over features of the
 * distance outside / stretched span), and the expected path length is accumulated. A point
 * inside every box gets the plain path length.
 */
export interface ForestOptions {
  /** Number of trees. */
  readonly trees: number
  /** Rows drawn without replacement to grow each tree (psi in the paper). */
  readonly sampleSize: number
  /** Seed for the row sampling and the splits. */
  readonly seed: number
  /** Depth cap below ceil(log2 sampleSize) (memory: at most 2^(maxDepth+1) - 1 nodes a tree). */
  readonly maxDepth?: number
}

export interface Forest {
  readonly dim: number
  readonly trees: number
  readonly sampleSize: number
  readonly maxDepth: number
  /** Subtracted from each feature before it meets the trees. */
  readonly offset: Float64Array
  /** Per-feature weight in the box hazard (sums to 1). */
  readonly weight: Float64Array
  /** First node of each tree. */
  readonly roots: Int32Array
  /** Per node: split feature or -1 (leaf), then right child index or leaf row count. */
  readonly links: Int32Array
  /** Per node `recordSize(dim)` float32: split threshold, then the box's lo/hi per feature. */
  readonly nodes: Float32Array
}

const EULER = 0.5772156649

/** Average path length of an unsuccessful BST search among n points: c(n) in the paper. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0
  if (n === 2) return 1
  return 2 * (Math.log(n - 1) + EULER) - (2 * (n - 1)) / n
}

/** Bytes held by a forest's arrays (their buffers: node arrays keep some headroom). */
export function forestBytes(f: Forest): number {
  return f.nodes.buffer.byteLength + f.links.buffer.byteLength + f.roots.byteLength + f.offset.byteLength + f.weight.byteLength
}

/** The most bytes forestBytes can report for these options: the memory bound. */
export function maxForestBytes(dim: number, trees: number, sampleSize: number, depthCap = Infinity): number {
  const maxDepth = Math.max(1, Math.min(depthCap, Math.ceil(Math.log2(sampleSize))))
  return trees * (maxNodesPerTree(sampleSize, maxDepth) * (recordSize(dim) + 2) * 4 + 4) + 16 * dim
}

/** Node buffers reused by every training on this thread (see trainForest). */
const scratch = { nodes: new Float32Array(0), links: new Int32Array(0) }

/**
 * Grows a forest on `rows` (row-major, `count` rows of `dim` finite features). Deterministic
 * for a given seed. `replaced`, a forest the caller drops for this one, lends its node arrays'
 * memory when they have room: a retrain then writes over the old nodes instead of allocating
 * fresh pages (and faulting them in) every time.
 */
export function trainForest(rows: Float64Array, count: number, dim: number, options: ForestOptions, replaced?: Forest): Forest {
  if (count < 2) throw new RangeError(`isolation forest needs at least 2 rows, got ${count}`)
  if (dim < 1 || dim > 64) throw new RangeError(`isolation forest dim must be 1..64, got ${dim}`)
  if (!(options.trees >= 1 && options.sampleSize >= 2)) {
    throw new RangeError('isolation forest needs trees >= 1 and sampleSize >= 2')
  }
  const psi = Math.min(options.sampleSize, count, 65535)
  const maxDepth = Math.max(1, Math.min(options.maxDepth ?? Infinity, Math.ceil(Math.log2(psi))))
  const stride = recordSize(dim)
  // Room for the largest possible trees, reused across trainings (every slot up to the last
  // grown node is written before it is read); the grown nodes are copied out at the end.
  const capacity = maxNodesPerTree(psi, maxDepth) * options.trees
  if (scratch.nodes.length < capacity * stride) scratch.nodes = new Float32Array(capacity * stride)
  if (scratch.links.length < capacity * 2) scratch.links = new Int32Array(capacity * 2)
  const { nodes, links } = scratch
  const roots = new Int32Array(options.trees)

  const offset = new Float64Array(dim)
  // Features that never varied carry no scale: the hazard ignores them (weight 0) unless none
  // varied at all, when any change is news.
  const weight = new Float64Array(dim)
  let varying = 0
  for (let f = 0; f < dim; f++) {
    let min = Infinity
    let max = -Infinity
    for (let r = 0; r < count; r++) {
      const v = rows[r * dim + f]!
      if (v < min) min = v
      if (v > max) max = v
    }
    offset[f] = min / 2 + max / 2
    if (max > min) {
      weight[f] = 1
      varying++
    }
  }
  for (let f = 0; f < dim; f++) weight[f] = varying === 0 ? 1 / dim : weight[f]! / varying

  // mulberry32 (see rng.ts), inlined: training draws a few hundred thousand numbers.
  let state = options.seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let z = state
    z = Math.imul(z ^ (z >>> 15), z | 1)
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61)
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296
  }

  // A permutation of the rows, partly reshuffled for every tree; it stays a permutation, so the
  // first psi entries after a partial Fisher-Yates pass are a uniform sample.
  const order = new Uint32Array(count)
  for (let k = 0; k < count; k++) order[k] = k
  // The tree's sample, column-major and offset, so partitioning reads a few KB.
  const cols = new Float64Array(psi * dim)
  const idx = new Uint16Array(psi)
  const featureOrder = new Int32Array(dim)
  // Pending nodes: lo, hi, depth, and the node whose `right` field the new node fills (-1: it
  // is a left child, placed right after its parent).
  const stack = new Int32Array((maxDepth + 2) * 4)
  let used = 0

  for (let t = 0; t < options.trees; t++) {
    for (let k = 0; k < psi; k++) {
      const r = k + Math.floor(next() * (count - k))
      const row = order[r]!
      order[r] = order[k]!
      order[k] = row
      for (let f = 0; f < dim; f++) cols[f * psi + k] = rows[row * dim + f]! - offset[f]!
      idx[k] = k
    }
    const first = used
    roots[t] = first
    let sp = 0
    stack[sp++] = -1
    stack[sp++] = 0
    stack[sp++] = psi
    stack[sp++] = 0
    while (sp > 0) {
      const depth = stack[--sp]!
      const hi = stack[--sp]!
      const lo = stack[--sp]!
      const parent = stack[--sp]!
      const node = used++
      const at = node * stride
      if (parent >= 0) links[2 * parent + 1] = node
      // The split feature is uniform among those that still vary: the first varying one in a
      // random order.
      let f = -1
      let min = 0
      let max = 0
      if (depth < maxDepth && hi - lo > 1) {
        for (let k = 0; k < dim; k++) featureOrder[k] = k
        for (let k = 0; k < dim && f < 0; k++) {
          const r = k + Math.floor(next() * (dim - k))
          const cand = featureOrder[r]!
          featureOrder[r] = featureOrder[k]!
          featureOrder[k] = cand
          const c = cand * psi
          min = Infinity
          max = -Infinity
          for (let q = lo; q < hi; q++) {
            const v = cols[c + idx[q]!]!
            if (v < min) min = v
            if (v > max) max = v
          }
          if (max > min) f = cand
        }
      }
      if (f >= 0) {
        // float32 threshold, used for the partition too, so scoring routes rows as training did.
        const split = Math.fround(min + next() * (max - min))
        const c = f * psi
        let i = lo
        let j = hi - 1
        while (i <= j) {
          if (cols[c + idx[i]!]! < split) {
            i++
          } else {
            const tmp = idx[i]!
            idx[i] = idx[j]!
            idx[j] = tmp
            j--
          }
        }
        if (i > lo && i < hi) {
          links[2 * node] = f
          nodes[at] = split
          // Right pushed first, so the left child is popped next and lands at node + 1.
          stack[sp++] = node
          stack[sp++] = i
          stack[sp++] = hi
          stack[sp++] = depth + 1
          stack[sp++] = -1
          stack[sp++] = lo
          stack[sp++] = i
          stack[sp++] = depth + 1
          continue
        }
        // float32 rounding put every row on one side: a leaf.
      }
      links[2 * node] = -1
      links[2 * node + 1] = hi - lo
      nodes[at] = 0
      for (let g = 0; g < dim; g++) {
        const c = g * psi
        let gmin = Infinity
        let gmax = -Infinity
        for (let q = lo; q < hi; q++) {
          const v = cols[c + idx[q]!]!
          if (v < gmin) gmin = v
          if (v > gmax) gmax = v
        }
        nodes[at + 1 + 2 * g] = f32Down(gmin)
        nodes[at + 2 + 2 * g] = f32Up(gmax)
      }
    }
    // An internal node's box is the union of its children's, which follow it: go backwards.
    for (let node = used - 1; node >= first; node--) {
      if (links[2 * node]! < 0) continue
      const at = node * stride
      const l = at + stride
      const r = links[2 * node + 1]! * stride
      for (let k = 1; k < stride; k += 2) {
        nodes[at + k] = Math.min(nodes[l + k]!, nodes[r + k]!)
        nodes[at + k + 1] = Math.max(nodes[l + k + 1]!, nodes[r + k + 1]!)
      }
    }
  }
  return {
    dim,
    trees: options.trees,
    sampleSize: psi,
    maxDepth,
    offset,
    weight,
    roots,
    links: keep(links, used * 2, capacity * 2, replaced?.links, (b, n) => new Int32Array(b, 0, n)),
    nodes: keep(nodes, used * stride, capacity * stride, replaced?.nodes, (b, n) => new Float32Array(b, 0, n)),
  }
}

/**
 * The first `length` entries of `grown`, copied into `previous`'s buffer when it has room,
 * else into a new one with an eighth of headroom (so a slightly larger next forest fits too),
 * never above `capacity` entries.
 */
function keep<T extends Float32Array | Int32Array>(grown: T, length: number, capacity: number, previous: T | undefined, view: (buffer: ArrayBuffer, length: number) => T): T {
  const bytes = length * grown.BYTES_PER_ELEMENT
  const buffer =
    previous && previous.buffer.byteLength >= bytes ? (previous.buffer as ArrayBuffer) : new ArrayBuffer(Math.min(capacity, length + (length >> 3)) * grown.BYTES_PER_ELEMENT)
  const out = view(buffer, length)
  out.set(grown.subarray(0, length))
  return out
}

/** Float32 values per node record. */
export function recordSize(dim: number): number {
  return 1 + 2 * dim
}

/** The most nodes one tree of `psi` rows and depth `maxDepth` can have. */
export function maxNodesPerTree(psi: number, maxDepth: number): number {
  return Math.min(2 * psi - 1, 2 ** (maxDepth + 1) - 1)
}

/**
 * True when the arrays describe trees a path can walk safely: every tree's nodes lie in
 * [roots[t], roots[t + 1]), children follow their parent inside the tree, split features are
 * features, leaf counts within the sample size. A stored forest failing this is refused.
 */
export function forestIsSound(f: Forest): boolean {
  const stride = recordSize(f.dim)
  const count = f.nodes.length / stride
  if (!Number.isInteger(count) || f.links.length !== 2 * count || f.roots.length !== f.trees) return false
  if (count > f.trees * maxNodesPerTree(f.sampleSize, f.maxDepth)) return false
  for (let t = 0; t < f.trees; t++) {
    const first = f.roots[t]!
    const end = t + 1 < f.trees ? f.roots[t + 1]! : count
    if (t === 0 ? first !== 0 : first <= f.roots[t - 1]!) return false
    if (!(first < end && end <= count)) return false
    for (let node = first; node < end; node++) {
      const code = f.links[2 * node]!
      const second = f.links[2 * node + 1]!
      if (code === -1) {
        if (!(second >= 1 && second <= f.sampleSize)) return false
      } else if (code >= 0 && code < f.dim) {
        if (!(second > node + 1 && second < end)) return false
      } else {
        return false
      }
    }
  }
  return true
}

const cTables = new Map<number, Float64Array>()

/** c(n) for n = 0..psi, cached per psi. */
function leafAdjust(psi: number): Float64Array {
  let table = cTables.get(psi)
  if (!table) {
    table = new Float64Array(psi + 1)
    for (let n = 0; n <= psi; n++) table[n] = averagePathLength(n)
    cTables.set(psi, table)
  }
  return table
}

/**
 * Mean path length of x over the trees. `boxAware` false gives the paper's E[h(x)]; true the
 * box-aware expectation described in the module comment. `scratch` (length dim) avoids an
 * allocation per call.
 */
export function pathLength(forest: Forest, x: ArrayLike<number>, boxAware = true, scratch: Float64Array = new Float64Array(forest.dim)): number {
  const { nodes, links, roots, dim, offset, weight } = forest
  const stride = recordSize(dim)
  const c = leafAdjust(forest.sampleSize)
  const v = scratch
  for (let f = 0; f < dim; f++) v[f] = x[f]! - offset[f]!
  const trees = forest.trees
  let total = 0
  for (let t = 0; t < trees; t++) {
    let node = roots[t]!
    let depth = 0
    let alive = 1
    let expected = 0
    for (;;) {
      const at = node * stride
      if (boxAware) {
        let p = 0
        for (let f = 0, o = at + 1; f < dim; f++, o += 2) {
          const u = v[f]!
          const lo = nodes[o]!
          if (u < lo) {
            p += (weight[f]! * (lo - u)) / (nodes[o + 1]! - u)
          } else {
            const hi = nodes[o + 1]!
            if (u > hi) p += (weight[f]! * (u - hi)) / (u - lo)
          }
        }
        if (p > 0) {
          expected += alive * p * depth
          alive *= 1 - p
        }
      }
      const code = links[2 * node]!
      if (code < 0) {
        total += expected + alive * (depth + c[links[2 * node + 1]!]!)
        break
      }
      node = v[code]! < nodes[at]! ? node + 1 : links[2 * node + 1]!
      depth++
    }
  }
  return total / trees
}

/** The paper's score 2^(-E[h(x)] / c(psi)): about 0.5 for ordinary points, towards 1 for outliers. */
export function isolationScore(forest: Forest, meanPath: number): number {
  return 2 ** (-meanPath / averagePathLength(forest.sampleSize))
}

/** Box-aware isolation score of x in (0, 1]. */
export function forestScore(forest: Forest, x: ArrayLike<number>, scratch?: Float64Array): number {
  return isolationScore(forest, pathLength(forest, x, true, scratch))
}
