// What a scrape sees while the agent swaps its TLS certificate (Bun.serve cannot swap it in
// place, so the listener is closed and bound again on the same port).
// Run alone: npx bun bench/web-rotation.ts [--rotations 5]
// Two clients scrape as fast as they can through each rotation: one keeping its connection
// alive (as Prometheus does), one opening a connection per scrape. Prints, per client, the
// scrapes served, the failures and their errors, and the longest gap without an answer.
import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { agentBinary, ensureAgentBinary } from './peers.ts'

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] as string) : dflt
}
const ROTATIONS = Number(arg('rotations', '5'))
const root = join(import.meta.dir, '..')
const certs = join(root, 'test', 'fixtures', 'tls')
const dir = mkdtempSync(join(tmpdir(), 'odin-bench-rotate-'))
const use = (name: string) => {
  copyFileSync(join(certs, `${name}.pem`), join(dir, 'server.pem'))
  copyFileSync(join(certs, `${name}-key.pem`), join(dir, 'server-key.pem'))
}
use('server')
writeFileSync(join(dir, 'web.yml'), 'tls_server_config:\n  cert_file: server.pem\n  key_file: server-key.pem\n')
await ensureAgentBinary()
const child = spawn(agentBinary, ['--web.listen-address=127.0.0.1:0', '--sampler.interval=1h', `--data-dir=${dir}`, `--web.config.file=${join(dir, 'web.yml')}`], {
  stdio: ['ignore', 'ignore', 'pipe'],
})
let log = ''
const port = await new Promise<number>((resolve) => {
  child.stderr.on('data', (d: Buffer) => {
    log += d.toString()
    const m = /address=127\.0\.0\.1:(\d+)/.exec(log)
    if (m) resolve(Number(m[1]))
  })
})
await Bun.sleep(1500)
const ca = readFileSync(join(certs, 'ca.pem'), 'utf8')
const url = `https://localhost:${port}/metrics`

interface Tally {
  ok: number
  failed: number
  errors: Map<string, number>
  longestGapMs: number
}
let running = true
async function client(headers: Record<string, string>): Promise<Tally> {
  const t: Tally = { ok: 0, failed: 0, errors: new Map(), longestGapMs: 0 }
  let last = performance.now()
  while (running) {
    try {
      const res = await fetch(url, { headers, tls: { ca } } as RequestInit)
      await res.arrayBuffer()
      if (res.status === 200) {
        t.ok++
        const now = performance.now()
        t.longestGapMs = Math.max(t.longestGapMs, now - last)
        last = now
      } else {
        t.failed++
        t.errors.set(`HTTP ${res.status}`, (t.errors.get(`HTTP ${res.status}`) ?? 0) + 1)
      }
    } catch (err) {
      t.failed++
      const key = (err as { code?: string }).code ?? String(err).slice(0, 60)
      t.errors.set(key, (t.errors.get(key) ?? 0) + 1)
    }
  }
  return t
}
const clients = [client({}), client({ Connection: 'close' })] as const
for (let i = 0; i < ROTATIONS; i++) {
  await Bun.sleep(1000)
  use(i % 2 === 0 ? 'server2' : 'server')
  await Bun.sleep(2500) // the agent polls every 2 s
}
running = false
const [keepAlive, fresh] = await Promise.all(clients)
child.kill('SIGTERM')
const restarts = (log.match(/tls_restarted=true/g) ?? []).length
const show = (name: string, t: Tally) =>
  console.log(
    `  ${name.padEnd(24)} ${t.ok} served, ${t.failed} failed ${JSON.stringify(Object.fromEntries(t.errors))}, longest gap between answers ${t.longestGapMs.toFixed(1)} ms`,
  )
console.log(`${restarts} listener restarts (of ${ROTATIONS} rotations):`)
show('kept-alive connection', keepAlive)
show('connection per scrape', fresh)
if (process.argv.includes('--log')) console.log(log)
