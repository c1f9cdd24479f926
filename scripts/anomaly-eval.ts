/**
 * The anomaly engine's development method: scores candidate configurations on the public NAB
 * files and on a labelled synthetic suite, with leave-one-category-out, so a change is chosen
 * for how it holds up on data it was not tuned on rather than for its public total.
 *
 *   npx bun scripts/anomaly-eval.ts [--candidates a,b] [--seeds 1,2] [--files] [--no-synthetic]
 *
 * Per candidate and seed: the public NAB score (threshold optimised over all 24 files, as
 * nab_score.py does) in the three profiles; for each category (NAB's folders, and the
 * synthetic suite as a third) the score on it at the threshold optimised on the other
 * categories (held-out), beside its own optimum; windows hit and false-positive rows.
 * `--files` lists every file's windows hit and false positives at the public threshold.
 * Runs in one process, one series at a time (one core).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createDetector } from '../src/detectors/anomaly/detector.ts'
import { ANOMALY_THRESHOLD, type DetectorOptions } from '../src/detectors/anomaly/options.ts'
import { syntheticSuite } from '../test/anomaly/synthetic-suite.ts'
import { CANDIDATES } from './anomaly-candidates.ts'
import { nabScore, type Profile, type ScoredFile } from './nab-score.ts'

interface Series {
  readonly name: string
  readonly category: string
  readonly t: Float64Array
  readonly values: Float64Array
  readonly windows: readonly (readonly [number, number])[]
}

const root = resolve(import.meta.dirname, '..')
const nab = resolve(process.env.SHARED ?? join(root, '../shared'), 'peer/nab')

const parseTime = (s: string): number => Date.parse(`${s.trim().replace(' ', 'T')}Z`)

function loadNab(): Series[] {
  const windowsJson = JSON.parse(readFileSync(join(nab, 'labels/combined_windows.json'), 'utf8')) as Record<string, [string, string][]>
  const out: Series[] = []
  for (const category of readdirSync(join(nab, 'data')).sort()) {
    if (category.endsWith('.md')) continue
    for (const file of readdirSync(join(nab, 'data', category)).sort()) {
      const lines = readFileSync(join(nab, 'data', category, file), 'utf8')
        .trim()
        .split(/\r?\n/)
        .slice(1)
      const t = new Float64Array(lines.length)
      const values = new Float64Array(lines.length)
      const index = new Map<string, number>()
      lines.forEach((line, i) => {
        const [ts, v] = line.split(',')
        t[i] = parseTime(ts!)
        values[i] = Number(v)
        index.set(ts!.trim(), i)
      })
      const name = `${category}/${file}`
      const windows = (windowsJson[name] ?? []).map(([l, r]) => [index.get(l.split('.')[0]!)!, index.get(r.split('.')[0]!)!] as const)
      out.push({ name, category, t, values, windows })
    }
  }
  return out
}

function run(series: Series, options: Partial<DetectorOptions>): Float64Array {
  const d = createDetector(options)
  const scores = new Float64Array(series.values.length)
  for (let i = 0; i < scores.length; i++) scores[i] = d.observe(series.t[i]!, series.values[i]!).score
  return scores
}

const args = process.argv.slice(2)
const arg = (name: string): string | undefined => {
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}
const names = arg('--candidates')?.split(',') ?? Object.keys(CANDIDATES)
const seeds = (arg('--seeds') ?? '1').split(',').map(Number)
const perFile = args.includes('--files')
const withSynthetic = !args.includes('--no-synthetic')

const all: Series[] = loadNab()
if (withSynthetic) {
  for (const s of syntheticSuite(1)) all.push({ ...s, category: 'synthetic' })
}
const categories = [...new Set(all.map((s) => s.category))]
const fmt = (x: number): string => x.toFixed(1).padStart(5)

const summary: string[] = []
for (const name of names) {
  const pubs: number[] = []
  const helds: number[] = []
  // a+b: candidate a's options, then b's on top.
  const parts0 = name.split('+').map((n) => {
    const c = CANDIDATES[n]
    if (!c) throw new Error(`unknown candidate ${n}; have ${Object.keys(CANDIDATES).join(', ')}`)
    return c.options
  })
  const candidate = { options: Object.assign({}, ...parts0) as Partial<DetectorOptions> }
  for (const seed of seeds) {
    const started = performance.now()
    const scored = all.map((s): ScoredFile & { category: string } => ({
      name: s.name,
      category: s.category,
      windows: s.windows,
      scores: run(s, { ...candidate.options, seed }),
    }))
    const ms = performance.now() - started
    const points = all.reduce((a, s) => a + s.values.length, 0)
    const pub = scored.filter((s) => s.category !== 'synthetic')
    const profiles: Profile[] = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate']
    const [std, lowFp, lowFn] = profiles.map((p) => nabScore(pub, p))
    const parts = [
      `${name} seed ${seed}: public ${fmt(std!.score)} (lowFP ${fmt(lowFp!.score)}, lowFN ${fmt(lowFn!.score)}; hit ${std!.hit}/${std!.windows}, FP ${std!.falsePositives}, thr ${std!.threshold.toFixed(4)})`,
    ]
    const heldOut: number[] = []
    for (const c of categories) {
      const inside = scored.filter((s) => s.category === c)
      // Threshold chosen on the other public categories (the synthetic suite is chosen on NAB).
      const others = pub.filter((s) => s.category !== c)
      const thr = nabScore(others).threshold
      const held = nabScore(inside, 'standard', thr)
      const own = nabScore(inside)
      if (c !== 'synthetic') heldOut.push(held.score)
      parts.push(`  ${c.padEnd(18)} held-out ${fmt(held.score)} (thr ${thr.toFixed(3)}, hit ${held.hit}/${held.windows}, FP ${held.falsePositives}); own optimum ${fmt(own.score)}`)
    }
    // The engine's own decision: every category at the documented threshold, nothing optimised.
    const fixed = categories.map((c) => {
      const r = nabScore(
        scored.filter((s) => s.category === c),
        'standard',
        ANOMALY_THRESHOLD,
      )
      return `${c} ${fmt(r.score)} (hit ${r.hit}/${r.windows}, FP ${r.falsePositives})`
    })
    const pubFixed = nabScore(pub, 'standard', ANOMALY_THRESHOLD)
    parts.push(`  at ${ANOMALY_THRESHOLD}: public ${fmt(pubFixed.score)} (hit ${pubFixed.hit}, FP ${pubFixed.falsePositives}); ${fixed.join('; ')}`)
    pubs.push(std!.score)
    helds.push(heldOut.reduce((a, b) => a + b, 0) / heldOut.length)
    parts.push(
      `  mean held-out NAB ${fmt(heldOut.reduce((a, b) => a + b, 0) / heldOut.length)}; ${points} points in ${(ms / 1000).toFixed(1)} s (${Math.round(points / (ms / 1000))} points/s)`,
    )
    if (perFile) {
      const at = (files: ScoredFile[], thr: number) => nabScore(files, 'standard', thr).files
      for (const f of at(pub, std!.threshold)) parts.push(`    ${f.name}: hit ${f.hit}/${f.windows}, FP ${f.falsePositives}`)
      if (withSynthetic) {
        for (const f of at(
          scored.filter((s) => s.category === 'synthetic'),
          std!.threshold,
        )) {
          parts.push(`    ${f.name}: hit ${f.hit}/${f.windows}, FP ${f.falsePositives}`)
        }
      }
    }
    console.log(parts.join('\n'))
  }
  const mean = (a: number[]): number => a.reduce((x, y) => x + y, 0) / a.length
  summary.push(`${name}: public ${pubs.map((x) => x.toFixed(1)).join(' ')} mean ${mean(pubs).toFixed(2)}; held-out mean ${mean(helds).toFixed(2)}`)
}
if (seeds.length > 1 || names.length > 1) console.log(summary.join('\n'))
