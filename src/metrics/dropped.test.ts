import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { countDropped, DROPPED_FAMILY, DROPPED_HELP } from './dropped.ts'
import { Families } from './families.ts'

const srcRoot = join(import.meta.dirname, '..')
const sources = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : []
  })

describe('odin_series_dropped_total', () => {
  it('is counted per collector under one HELP text', () => {
    const f = new Families()
    countDropped(f, 3, 'namedprocess')
    countDropped(f, 0, 'gpu')
    expect(f.list()).toEqual([
      {
        name: DROPPED_FAMILY,
        help: DROPPED_HELP,
        type: 'counter',
        samples: [
          { labels: { collector: 'namedprocess' }, value: 3 },
          { labels: { collector: 'gpu' }, value: 0 },
        ],
      },
    ])
  })

  it('is written by no source but dropped.ts, so the HELP served cannot depend on the collector order', () => {
    const writers = sources(srcRoot).filter((p) => !p.endsWith('dropped.ts') && /['"`]odin_series_dropped_total['"`]/.test(readFileSync(p, 'utf8')))
    expect(writers).toEqual([])
  })
})
