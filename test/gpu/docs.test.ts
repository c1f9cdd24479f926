import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { GPU_FIELDS, MIG_FIELDS } from '../../src/gpu/fields.ts'
import { REPO } from './fake-smi.ts'

it('README lists every metric of the field table with its sources', () => {
  const doc = readFileSync(join(REPO, 'README.md'), 'utf8')
  for (const f of [...GPU_FIELDS, ...MIG_FIELDS]) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${f.metric}\` | ${f.type} | ${MIG_FIELDS.includes(f) ? 'MIG' : 'GPU'} |`))
    expect(row, f.metric).toBeDefined()
    for (const source of f.sources.flat()) {
      expect(row, `${f.metric} ${source}`).toContain(source)
    }
  }
})
