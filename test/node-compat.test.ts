import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ensureBinary, repoRoot } from './helpers/binary.ts'

const shared = join(repoRoot, '..', 'shared')
const hasPeer = existsSync(join(shared, 'peer', 'node_exporter', 'e2e-output.txt')) && existsSync(join(shared, 'bench', 'node_compat.py'))

describe('node_exporter compatibility on its own fixture host', () => {
  it.runIf(hasPeer)(
    'the compiled agent matches node_exporter sample for sample on the 23 default collectors',
    async () => {
      await ensureBinary()
      const r = spawnSync(join(repoRoot, 'scripts', 'node-compat.sh'), [], { encoding: 'utf8', env: { ...process.env, PORT: '19498' }, timeout: 120_000 })
      console.log(r.stdout)
      expect(r.stdout).toMatch(/^compat 100\.0% \(850\/850 expected samples of 23 collectors\)$/m)
      expect(r.status).toBe(0)
    },
    180_000,
  )

  it.skipIf(hasPeer)('needs ../shared/peer/node_exporter beside the checkout', () => {})
})
