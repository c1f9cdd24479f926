/**
 * NAB scoring (standard, reward_low_FP_rate, reward_low_FN_rate) of in-memory scores, written
 * from NAB's published rules to agree with ../shared/bench/nab_score.py, plus what that script
 * cannot do: score at a given threshold (for leave-one-category-out, where the threshold is
 * chosen on the other categories) and report windows hit and false positives per file.
 */
export type Profile = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate'

export const PROFILES: Record<Profile, readonly [tp: number, fp: number, fn: number]> = {
  standard: [1, 0.11, 1],
  reward_low_FP_rate: [1, 0.22, 1],
  reward_low_FN_rate: [1, 0.11, 2],
}

export interface ScoredFile {
  readonly name: string
  /** Row indices [left, right] of each labelled window, sorted. */
  readonly windows: readonly (readonly [number, number])[]
  readonly scores: ArrayLike<number>
}

interface Point {
  readonly score: number
  readonly reward: number
  /** Window id, -1 outside every window. */
  readonly window: number
  readonly file: number
}

const sigmoid = (pos: number): number => (pos > 3 ? -1 : 2 / (1 + Math.exp(5 * pos)) - 1)

function sweep(f: ScoredFile, fileIndex: number, firstWindow: number, w: readonly number[]): Point[] {
  const [tpW, fpW] = w as [number, number, number]
  const maxTp = sigmoid(-1)
  const n = f.scores.length
  const probation = Math.min(Math.floor(0.15 * n), 0.15 * 5000)
  const out: Point[] = []
  let k = 0
  let prevRight = -1
  let prevWidth = 0
  for (let i = 0; i < n; i++) {
    while (k < f.windows.length && f.windows[k]![1] < i) {
      prevRight = f.windows[k]![1]
      prevWidth = f.windows[k]![1] - f.windows[k]![0] + 1
      k++
    }
    const inside = k < f.windows.length && f.windows[k]![0] <= i
    let reward: number
    let window = -1
    if (inside) {
      const [l, r] = f.windows[k]!
      reward = (sigmoid(-(r - i + 1) / (r - l + 1)) * tpW) / maxTp
      window = firstWindow + k
    } else {
      reward = (prevRight < 0 ? -1 : sigmoid(Math.abs(prevRight - i) / (prevWidth - 1))) * fpW
    }
    if (i >= probation) out.push({ score: f.scores[i]!, reward, window, file: fileIndex })
  }
  return out
}

export interface FileResult {
  readonly name: string
  readonly windows: number
  readonly hit: number
  readonly falsePositives: number
}

export interface NabResult {
  /** Normalised: 0 = the null detector, 100 = perfect. */
  readonly score: number
  readonly threshold: number
  readonly windows: number
  readonly hit: number
  readonly falsePositives: number
  readonly files: readonly FileResult[]
}

/**
 * Scores `files` at `threshold`, or at the threshold that maximises the total over them (as
 * nab_score.py does) when `threshold` is undefined.
 */
export function nabScore(files: readonly ScoredFile[], profile: Profile = 'standard', threshold?: number): NabResult {
  const w = PROFILES[profile]
  const fnW = w[2]
  const points: Point[] = []
  let nWindows = 0
  files.forEach((f, i) => {
    for (const p of sweep(f, i, nWindows, w)) points.push(p)
    nWindows += f.windows.length
  })
  const scoredWindows = new Set(points.filter((p) => p.window >= 0).map((p) => p.window))
  points.sort((a, b) => b.score - a.score)
  const best = new Map<number, number>()
  for (const id of scoredWindows) best.set(id, -fnW)
  let total = -fnW * scoredWindows.size
  let bestTotal = total
  let bestThr = 1.1
  let i = 0
  while (i < points.length) {
    const thr = points[i]!.score
    if (threshold !== undefined && thr < threshold) break
    while (i < points.length && points[i]!.score === thr) {
      const p = points[i]!
      if (p.window < 0) total += p.reward
      else if (p.reward > best.get(p.window)!) {
        total += p.reward - best.get(p.window)!
        best.set(p.window, p.reward)
      }
      i++
    }
    if (threshold !== undefined || total > bestTotal) {
      bestTotal = total
      bestThr = threshold ?? thr
    }
  }
  if (threshold !== undefined) {
    bestThr = threshold
  }
  // Per file at the chosen threshold.
  const per = files.map((f) => ({ name: f.name, windows: f.windows.length, hit: 0, falsePositives: 0 }))
  const hitWindows = new Set<number>()
  for (const p of points) {
    if (p.score < bestThr) break
    if (p.window < 0) per[p.file]!.falsePositives++
    else if (!hitWindows.has(p.window)) {
      hitWindows.add(p.window)
      per[p.file]!.hit++
    }
  }
  const nullScore = -fnW * nWindows
  const perfect = w[0] * nWindows
  return {
    score: (100 * (bestTotal - nullScore)) / (perfect - nullScore),
    threshold: bestThr,
    windows: nWindows,
    hit: hitWindows.size,
    falsePositives: per.reduce((a, f) => a + f.falsePositives, 0),
    files: per,
  }
}
