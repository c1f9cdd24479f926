// npm run bench: every benchmark in sequence, each printing ratios against its peer.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const benches = ['host.ts', 'process.ts', 'gpu.ts', 'anomaly.ts', 'web.ts', 'scale.ts']
let failed = 0
for (const name of benches) {
  const file = join(import.meta.dir, name)
  if (!existsSync(file)) {
    continue
  }
  console.log(`\n=== bench/${name}`)
  const r = spawnSync(process.execPath, [file, ...process.argv.slice(2)], { stdio: 'inherit' })
  if (r.status !== 0) {
    failed++
  }
}
process.exit(failed ? 1 : 0)
