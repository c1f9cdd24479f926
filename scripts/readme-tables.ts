// Regenerates the generated tables in README.md: npx bun scripts/readme-tables.ts
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { allCollectors } from '../src/collectors/index.ts'
import { allDetectors } from '../src/detectors/index.ts'
import { collectorsTable, flagsTable } from '../src/cli/readme-tables.ts'

const path = join(import.meta.dirname, '..', 'README.md')
let text = readFileSync(path, 'utf8')
const put = (name: string, body: string) => {
  const re = new RegExp(`(<!-- ${name}:start -->\\n)[\\s\\S]*?(<!-- ${name}:end -->)`)
  text = text.replace(re, `$1${body}\n$2`)
}
put('flags', flagsTable())
put('collectors', collectorsTable([...allCollectors, ...allDetectors]))
writeFileSync(path, text)
