/**
 * Maps the forest's isolation score (about 0.5 for ordinary points, towards 1 for isolated
 * ones) to [0, 1]: 0 at the median isolation score of the training window, 1 for a point
 * isolated at the root of every tree. The anchor is per series, so a series whose ordinary
 * points sit at 0.45 and one whose sit at 0.55 both start from 0; the top of the scale is the
 * same for every series, so scores compare across series.
 */
export interface Calibration {
  /** Median isolation score of the training rows. */
  readonly base: number
}

export function fitCalibration(trainingScores: readonly number[]): Calibration {
  if (trainingScores.length === 0) return { base: 0.5 }
  const sorted = [...trainingScores].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  // A window of near-identical rows puts everything at one score; keep the scale usable.
  return { base: Math.min(median, 0.9) }
}

export function calibrate(raw: number, c: Calibration): number {
  const s = (raw - c.base) / (1 - c.base)
  return s <= 0 ? 0 : Math.min(s, 1)
}
