// CPU per sampler tick and RSS of two compiled agents run side by side on this host, so both
// see the same load (this VM is shared: run-to-run noise is larger than most changes).
// Run: npx bun bench/binary-ticks.ts --a OLD_BINARY --b NEW_BINARY [--interval-ms 1000]
//        [--warmup-s 20] [--seconds 60] [--rounds 2] [-- extra agent flags]
// Each round starts both fresh on loopback at --sampler.interval, waits the warm-up, then
// reads utime+stime of the whole process (/proc/PID/stat: live and exited threads, worker
// threads included) over the window and divides by the ticks in it; RSS is VmRSS at the
// window's end and the highest seen once a second. Rounds alternate which starts first.
// Per-thread CPU (live threads only) shows where it went: the main thread, the collector
// "Worker", mimalloc's scavenger.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? (process.argv[i + 1] as string) : dflt
}
const binaries = { a: arg('a', ''), b: arg('b', '') }
if (!binaries.a || !binaries.b) {
  console.error('usage: bench/binary-ticks.ts --a BINARY --b BINARY [--interval-ms 1000] [--warmup-s 20] [--seconds 60] [--rounds 2] [-- flags]')
  process.exit(2)
}
const intervalMs = Number(arg('interval-ms', '1000'))
const warmupS = Number(arg('warmup-s', '20'))
const seconds = Number(arg('seconds', '60'))
const rounds = Number(arg('rounds', '2'))
const dash = process.argv.indexOf('--')
const extra = dash > 0 ? process.argv.slice(dash + 1) : []
const TICK_HZ = 100

const cpuMs = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(f[11]) + Number(f[12])) * 1000) / TICK_HZ
}
/** CPU ms of each live thread by name (the main thread has the binary's name, Bun's workers "Worker"). */
const threadMs = (pid: number): Map<string, number> => {
  const by = new Map<string, number>()
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')
      const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      by.set(name, (by.get(name) ?? 0) + ((Number(f[11]) + Number(f[12])) * 1000) / TICK_HZ)
    } catch {
      // the thread exited
    }
  }
  return by
}
const rssMiB = (pid: number) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function start(binary: string, dataDir: string): ChildProcess {
  return spawn(binary, ['--web.listen-address=127.0.0.1:0', `--sampler.interval=${intervalMs}ms`, `--data-dir=${dataDir}`, '--log.level=error', ...extra], { stdio: 'ignore' })
}

interface Result {
  threads: string
  cpuPerTick: number
  rss: number
  rssMax: number
}
const results: Record<'a' | 'b', Result[]> = { a: [], b: [] }
for (let round = 0; round < rounds; round++) {
  const order: ('a' | 'b')[] = round % 2 === 0 ? ['a', 'b'] : ['b', 'a']
  const dirs = order.map(() => mkdtempSync(join(tmpdir(), 'odin-ticks-')))
  const children = order.map((k, i) => start(binaries[k], dirs[i] as string))
  try {
    await sleep(warmupS * 1000)
    const pids = children.map((c) => c.pid as number)
    const cpu0 = pids.map(cpuMs)
    const threads0 = pids.map(threadMs)
    const rssMax = pids.map(() => 0)
    for (let s = 0; s < seconds; s++) {
      await sleep(1000)
      pids.forEach((p, i) => (rssMax[i] = Math.max(rssMax[i] as number, rssMiB(p))))
    }
    const ticks = (seconds * 1000) / intervalMs
    order.forEach((k, i) => {
      const pid = pids[i] as number
      const t1 = threadMs(pid)
      const threads = [...t1]
        .map(([name, ms]) => [name, (ms - (threads0[i]?.get(name) ?? 0)) / ticks] as const)
        .filter(([, ms]) => ms > 0)
        .map(([name, ms]) => `${name} ${ms.toFixed(2)}`)
        .join(', ')
      results[k].push({ threads, cpuPerTick: (cpuMs(pid) - (cpu0[i] as number)) / ticks, rss: rssMiB(pid), rssMax: rssMax[i] as number })
    })
  } finally {
    for (const c of children) {
      c.kill('SIGKILL')
    }
    for (const d of dirs) {
      rmSync(d, { recursive: true, force: true })
    }
  }
  await sleep(1000)
}
for (const k of ['a', 'b'] as const) {
  for (const r of results[k]) {
    console.log(`${k} ${binaries[k]}: cpu/tick ${r.cpuPerTick.toFixed(2)} ms (threads: ${r.threads}), RSS ${r.rss.toFixed(1)} MiB (max ${r.rssMax.toFixed(1)})`)
  }
}
