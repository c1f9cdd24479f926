/**
 * Process walk benchmark: CPU per sampling interval of odin-agent's namedprocess + threats
 * collectors (one /proc walk shared by both) over ~2,000 live processes, beside
 * process-exporter measured on the same host in the same run.
 *
 *   npx bun bench/process.ts [--procs 2000] [--cycles 20]
 *
 * Ours: process.cpuUsage() delta over N collect cycles. process-exporter: utime+stime of
 * its process (from /proc/PID/stat) over N scrapes of /metrics. Every child is killed at
 * the end, also on Ctrl-C.
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { namedprocessCollector } from '../src/collectors/namedprocess.ts'
import { threatsCollector } from '../src/collectors/threats.ts'
import type { CollectContext } from '../src/collectors/types.ts'
import { parseAgentArgs } from '../src/config/config.ts'
import { silentLogger } from '../src/log/logger.ts'
import { execFileNoShell } from '../src/platform/exec.ts'
import { createHostFS } from '../src/platform/host-fs.ts'
import { ProcessTables } from '../src/collectors/process-table.ts'
import { GpuInventory } from '../src/gpu/inventory.ts'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const PROCS = arg('procs', 2000)
const CYCLES = arg('cycles', 20)
const ISSUE_FIGURE = 'process-exporter used 26-32 ms per scrape for ~70 processes (figure quoted in the issue)'
const PE_BINARIES = ['/usr/bin/prometheus-process-exporter', '/usr/local/bin/process-exporter', '/usr/bin/process-exporter']

const children: ChildProcess[] = []
let tmp = ''
function cleanup() {
  for (const c of children) {
    c.kill('SIGKILL')
  }
  if (tmp) {
    rmSync(tmp, { recursive: true, force: true })
  }
}
process.on('SIGINT', () => {
  cleanup()
  process.exit(130)
})

const processCount = () => readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** One agent's worth of collectors over the real /proc; each call is one sampler tick. */
function agentTick(refreshEvery?: number): () => Promise<void> {
  const entries = [namedprocessCollector, threatsCollector]
  const { config } = parseAgentArgs([], entries)
  const fs = createHostFS({ procfs: '/proc', sysfs: '/sys', rootfs: '/' })
  const deps = { config, gpuInventory: new GpuInventory(), processes: new ProcessTables({ refreshEvery }) }
  const collectors = entries.map((e) => e.create(deps))
  return async () => {
    const memo = new Map<string, Promise<unknown>>()
    const ctx: CollectContext = {
      fs,
      exec: execFileNoShell,
      signal: new AbortController().signal,
      log: silentLogger,
      now: Date.now,
      shared: <T>(key: string, load: () => Promise<T>) => {
        if (!memo.has(key)) {
          memo.set(key, load())
        }
        return memo.get(key) as Promise<T>
      },
    }
    await Promise.all(collectors.map((c) => c.collect(ctx)))
  }
}

function cpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

async function measureOurs(label: string, refreshEvery?: number): Promise<{ first: number; steady: number }> {
  const tick = agentTick(refreshEvery)
  let t = cpuMs()
  await tick()
  const first = cpuMs() - t
  for (let i = 0; i < 3; i++) {
    await tick()
  }
  t = cpuMs()
  for (let i = 0; i < CYCLES; i++) {
    await tick()
    await sleep(20)
  }
  const steady = (cpuMs() - t) / CYCLES
  console.log(`  odin-agent ${label}: ${steady.toFixed(1)} ms CPU per interval (first interval ${first.toFixed(1)} ms)`)
  return { first, steady }
}

function pidCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

async function measureProcessExporter(binary: string, label: string, extra: string[]): Promise<number | undefined> {
  const config = join(tmp, 'pe.yml')
  writeFileSync(config, 'process_names:\n  - name: "{{.Comm}}"\n    cmdline:\n    - \'.+\'\n')
  const port = await freePort()
  const child = spawn(binary, ['-config.path', config, '-web.listen-address', `127.0.0.1:${port}`, ...extra], { stdio: 'ignore' })
  children.push(child)
  const url = `http://127.0.0.1:${port}/metrics`
  const deadline = Date.now() + 10_000
  for (;;) {
    try {
      await (await fetch(url)).text()
      break
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) {
        console.log(`  process-exporter ${label}: did not start`)
        return undefined
      }
      await sleep(100)
    }
  }
  for (let i = 0; i < 3; i++) {
    await (await fetch(url)).text()
  }
  const before = pidCpuMs(child.pid as number)
  for (let i = 0; i < CYCLES; i++) {
    await (await fetch(url)).text()
    await sleep(20)
  }
  const per = (pidCpuMs(child.pid as number) - before) / CYCLES
  child.kill('SIGKILL')
  console.log(`  process-exporter ${label}: ${per.toFixed(1)} ms CPU per scrape`)
  return per
}

async function round(title: string, pe: string | undefined) {
  console.log(`${title}: ${processCount()} processes on the host`)
  const ours = await measureOurs('namedprocess + threats, idle processes skipped')
  await measureOurs('namedprocess + threats, every process re-read', 1)
  let theirs: number | undefined
  if (pe) {
    theirs = await measureProcessExporter(pe, '(default flags: smaps and threads on)', [])
    await measureProcessExporter(pe, '(-gather-smaps=false -threads=false)', ['-gather-smaps=false', '-threads=false'])
  }
  if (theirs !== undefined) {
    console.log(`  ratio process-exporter / odin-agent: ${(theirs / ours.steady).toFixed(1)}x`)
  }
  return ours
}

async function main() {
  tmp = mkdtempSync(join(tmpdir(), 'odin-bench-process-'))
  const pe = PE_BINARIES.find((b) => existsSync(b))
  console.log(`process walk benchmark (${CYCLES} cycles each; runtime ${typeof Bun === 'undefined' ? `node ${process.version}` : `bun ${Bun.version}`})`)
  if (!pe) {
    console.log(`  process-exporter not installed (apt-get install prometheus-process-exporter); ${ISSUE_FIGURE}`)
  }
  await round('baseline', pe)
  for (let i = 0; i < PROCS; i++) {
    const c = spawn('/bin/sleep', ['3600'], { stdio: 'ignore' })
    c.on('error', () => {})
    children.push(c)
  }
  await sleep(2000)
  const ours = await round(`with ${PROCS} extra sleep processes`, pe)
  console.log(`  target: under 20 ms CPU per interval for 2,000 processes -> ${ours.steady < 20 ? 'met' : 'NOT met'} (${ours.steady.toFixed(1)} ms)`)
  if (pe) {
    console.log(`  for reference, ${ISSUE_FIGURE}`)
  }
}

try {
  await main()
} finally {
  cleanup()
}
