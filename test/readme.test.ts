import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectorsTable, flagsTable } from '../src/cli/readme-tables.ts'
import { allCollectors } from '../src/collectors/index.ts'
import { allDetectors } from '../src/detectors/index.ts'

const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8')
const between = (name: string) => new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(readme)?.[1]

describe('README', () => {
  it('flag table matches the flags the CLI parses (regenerate: npx bun scripts/readme-tables.ts)', () => {
    expect(between('flags')).toBe(flagsTable())
  })

  it('collector table matches the one collector list', () => {
    expect(between('collectors')).toBe(collectorsTable([...allCollectors, ...allDetectors]))
  })

  it('names the two commands for a fresh machine', () => {
    expect(readme).toContain('npm ci && npm start')
    expect(readme).toContain('./scripts/test.sh')
    expect(readFileSync(join(import.meta.dirname, '..', '.ci', 'run'), 'utf8')).toContain('./scripts/test.sh')
  })
})
