// Cost per scrape of the HTTP surface options, against plain HTTP on the same run: the
// compiled agent serves one snapshot (--sampler.interval=1h) while this script scrapes it,
// and the agent's CPU (utime+stime from /proc/PID/stat, all threads) is divided by scrapes.
// Run alone: npx bun bench/web.ts [--scrapes 2000] [--rounds 3] [--binary odin-agent] [--baseline path/to/older/odin-agent]
// Modes, interleaved round by round so the shared machine's noise spreads over all of them:
//   http          plain HTTP, identity                  (the baseline)
//   http+gzip     plain HTTP, Accept-Encoding: gzip      (Prometheus' default)
//   tls           HTTPS + basic auth, kept-alive          (Prometheus keeps connections)
//   tls+gzip      HTTPS + basic auth + gzip, kept-alive
//   tls-new-conn  HTTPS + basic auth, a handshake per scrape (the worst case)
//   baseline      with --baseline: another build of the agent, plain HTTP, Prometheus' headers
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { agentBinary, ensureAgentBinary } from './peers.ts'

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] as string) : dflt
}
const SCRAPES = Number(arg('scrapes', '2000'))
const ROUNDS = Number(arg('rounds', '3'))
const root = join(import.meta.dir, '..')
await ensureAgentBinary()
const binary = agentBinary
const certs = join(root, 'test', 'fixtures', 'tls')
const dir = mkdtempSync(join(tmpdir(), 'odin-bench-web-'))
const PASSWORD = 'bench-password'
writeFileSync(
  join(dir, 'web.yml'),
  `tls_server_config:\n  cert_file: ${certs}/server.pem\n  key_file: ${certs}/server-key.pem\nbasic_auth_users:\n  prometheus: ${await Bun.password.hash(PASSWORD, { algorithm: 'bcrypt', cost: 10 })}\n`,
)

async function start(args: string[], bin = binary): Promise<{ pid: number; port: number; kill: () => void }> {
  const child = spawn(bin, ['--web.listen-address=127.0.0.1:0', '--sampler.interval=1h', '--log.level=info', `--data-dir=${dir}`, ...args], { stdio: ['ignore', 'ignore', 'pipe'] })
  let err = ''
  const port = await new Promise<number>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString()
      const m = /address=127\.0\.0\.1:(\d+)/.exec(err)
      if (m) resolve(Number(m[1]))
    })
    child.once('exit', (code) => reject(new Error(`agent exited ${code}: ${err}`)))
  })
  return { pid: child.pid as number, port, kill: () => child.kill('SIGTERM') }
}

const cpuTicks = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .slice(readFileSync(`/proc/${pid}/stat`, 'utf8').lastIndexOf(')') + 2)
    .split(' ')
  return Number(f[11]) + Number(f[12])
}
const TICK_MS = 10 // USER_HZ 100

const plain = await start([])
const tls = await start([`--web.config.file=${join(dir, 'web.yml')}`])
const baselineBinary = arg('baseline', '')
const baseline = baselineBinary ? await start([], baselineBinary) : undefined
await Bun.sleep(1500) // first sample done
const ca = readFileSync(join(certs, 'ca.pem'), 'utf8')
const auth = `Basic ${Buffer.from(`prometheus:${PASSWORD}`).toString('base64')}`

interface Mode {
  name: string
  pid: number
  url: string
  headers: Record<string, string>
}
const modes: Mode[] = [
  { name: 'http', pid: plain.pid, url: `http://127.0.0.1:${plain.port}/metrics`, headers: { 'Accept-Encoding': 'identity' } },
  { name: 'http+gzip', pid: plain.pid, url: `http://127.0.0.1:${plain.port}/metrics`, headers: { 'Accept-Encoding': 'gzip' } },
  { name: 'tls', pid: tls.pid, url: `https://localhost:${tls.port}/metrics`, headers: { 'Accept-Encoding': 'identity', Authorization: auth } },
  { name: 'tls+gzip', pid: tls.pid, url: `https://localhost:${tls.port}/metrics`, headers: { 'Accept-Encoding': 'gzip', Authorization: auth } },
  { name: 'tls-new-conn', pid: tls.pid, url: `https://localhost:${tls.port}/metrics`, headers: { 'Accept-Encoding': 'identity', Authorization: auth, Connection: 'close' } },
]
if (baseline) {
  modes.push({ name: 'baseline', pid: baseline.pid, url: `http://127.0.0.1:${baseline.port}/metrics`, headers: { 'Accept-Encoding': 'gzip' } })
}
const results = new Map<string, { cpu: number[]; bytes: number }>()
for (let round = 0; round < ROUNDS; round++) {
  for (const mode of modes) {
    let bytes = 0
    // Warm the connection and the per-snapshot caches (gzip, the auth cache) first.
    for (let i = 0; i < 20; i++) {
      await (await fetch(mode.url, { headers: mode.headers, decompress: false, tls: { ca } } as RequestInit)).arrayBuffer()
    }
    const c0 = cpuTicks(mode.pid)
    for (let i = 0; i < SCRAPES; i++) {
      const res = await fetch(mode.url, { headers: mode.headers, decompress: false, tls: { ca } } as RequestInit)
      if (res.status !== 200) throw new Error(`${mode.name}: HTTP ${res.status}`)
      bytes = (await res.arrayBuffer()).byteLength
    }
    const perScrapeMs = ((cpuTicks(mode.pid) - c0) * TICK_MS) / SCRAPES
    const r = results.get(mode.name) ?? { cpu: [], bytes }
    r.cpu.push(perScrapeMs)
    results.set(mode.name, r)
  }
}
plain.kill()
tls.kill()
baseline?.kill()
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number
const base = median(results.get('http')?.cpu ?? [1])
console.log(`agent CPU per scrape, ${SCRAPES} scrapes x ${ROUNDS} rounds per mode (median, [min-max] over rounds; /proc/PID/stat at 10 ms ticks):`)
for (const [name, r] of results) {
  const m = median(r.cpu)
  console.log(
    `  ${name.padEnd(13)} ${m.toFixed(3)} ms [${Math.min(...r.cpu).toFixed(3)}-${Math.max(...r.cpu).toFixed(3)}]  x${(m / base).toFixed(2)} of http  ${(r.bytes / 1024).toFixed(1)} KiB on the wire`,
  )
}
// The gzip itself runs once per snapshot, not per scrape: its cost, for the record.
const body = await (await fetch(modes[0]?.url ?? '', { headers: { 'Accept-Encoding': 'identity' } }).catch(() => new Response(''))).text()
const sample = body || readFileSync(join(root, 'README.md'), 'utf8')
const t0 = performance.now()
for (let i = 0; i < 20; i++) gzipSync(sample, { level: 6 })
console.log(
  `gzip of one ${(Buffer.byteLength(sample) / 1024).toFixed(0)} KiB exposition: ${((performance.now() - t0) / 20).toFixed(2)} ms, once per snapshot (every --sampler.interval), shared by every scrape of it`,
)
