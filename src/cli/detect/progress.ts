/**
 * A one-line progress bar on stderr, redrawn in place with \r. Redraws are throttled by
 * work done (every `every` points), not by a clock, so the command reads no time.
 */
export interface Progress {
  /** Adds points done; `label` names the file being scored. */
  advance(points: number, label: string): void
  done(): void
}

const WIDTH = 30

export function createProgress(write: (s: string) => void, enabled: boolean, totalPoints: number, every = 20_000): Progress {
  if (!enabled || totalPoints <= 0) return { advance: () => {}, done: () => {} }
  let done = 0
  let sinceDraw = Infinity
  let lastLen = 0
  const draw = (label: string) => {
    const frac = Math.min(1, done / totalPoints)
    const fill = Math.round(frac * WIDTH)
    const name = label.length > 40 ? `...${label.slice(-37)}` : label
    const line = `detect [${'#'.repeat(fill)}${'-'.repeat(WIDTH - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${done}/${totalPoints} points ${name}`
    write(`\r${line}${' '.repeat(Math.max(0, lastLen - line.length))}`)
    lastLen = line.length
    sinceDraw = 0
  }
  return {
    advance(points, label) {
      done += points
      sinceDraw += points
      if (sinceDraw >= every) draw(label)
    },
    done() {
      draw('')
      write('\n')
    },
  }
}
