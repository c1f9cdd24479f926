import { allDetectors } from '../../src/detectors/index.ts'
import type { Detector, ObservingDetector } from '../../src/detectors/types.ts'
import { undeclared } from '../../src/metrics/declared.ts'
import type { MetricFamily } from '../../src/metrics/types.ts'

/**
 * `detector` as tests drive it, checked against the declarations of the list entry `entry`
 * (e.g. 'detector.disk_fill'): every `detect` and `families()` throws on a family the entry
 * does not declare, or declares with another type or HELP, as test/helpers/collect.ts does for
 * every collect. Only in tests: the agent's tick pays nothing for it.
 */
export function declaredBy<D extends Detector>(entry: string, detector: D): D {
  const decl = allDetectors.find((d) => d.name === entry)
  if (!decl) throw new Error(`no detector ${entry} on the list`)
  const checked = <F extends readonly MetricFamily[]>(families: F): F => {
    const problems = undeclared(decl, families)
    if (problems.length > 0) throw new Error(`undeclared families: ${problems.join('; ')}`)
    return families
  }
  const wrapped: Detector = { ...detector, detect: (view) => checked(detector.detect(view)) }
  const observing = detector as Partial<ObservingDetector>
  if (observing.families) {
    const families = observing.families.bind(detector)
    Object.assign(wrapped, { families: () => checked(families()) })
  }
  return wrapped as D
}
