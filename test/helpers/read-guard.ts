import { BlockedReadError } from '../../src/platform/read-guard.ts'
import type { ReadGuard } from '../../src/platform/read-guard.ts'

/**
 * A ReadGuard that records `mark(path)` on each enter and '<' on each leave, and refuses a
 * path once it is added to `blocked` (as a guard does after a read there got stuck).
 */
export function markingGuard(mark: (path: string) => string): { guard: ReadGuard; marks: string[]; blocked: Set<string> } {
  const marks: string[] = []
  const blocked = new Set<string>()
  const guard: ReadGuard = {
    enter: (p) => {
      if (blocked.has(p)) {
        throw new BlockedReadError(p)
      }
      marks.push(mark(p))
    },
    leave: () => marks.push('<'),
  }
  return { guard, marks, blocked }
}
