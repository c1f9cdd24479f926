// CPU per read of /proc/PID/cmdline (every process on this host, 20 passes), inline on the
// calling thread against the native helper thread of src/platform/timed-reader.ts, the
// whole process's CPU (process.cpuUsage counts every thread). Run: npx bun bench/timed-reads.ts [--rounds 3]
import { closeSync, openSync, readdirSync } from 'node:fs'
import { readWhole } from '../src/platform/held-files.ts'
import { startTimedReader } from '../src/platform/timed-reader.ts'
import { createLogger } from '../src/log/logger.ts'

const i = process.argv.indexOf('--rounds')
const rounds = i > 0 ? Number(process.argv[i + 1]) : 3
Bun.unsafe.setJITPolicy?.(100)
const log = createLogger({ level: 'warn', format: 'logfmt' })
const t0 = performance.now()
const timed = startTimedReader(log)
const startMs = performance.now() - t0
if (!timed) throw new Error('no helper thread')
const paths = readdirSync('/proc')
  .filter((p) => /^\d+$/.test(p))
  .map((p) => `/proc/${p}/cmdline`)
let buf: Buffer = Buffer.allocUnsafe(64 * 1024)
const inline = (p: string) => {
  const fd = openSync(p, 'r')
  try {
    const r = readWhole(fd, buf)
    buf = r.buffer
    return r.text
  } finally {
    closeSync(fd)
  }
}
const cpuUs = () => {
  const u = process.cpuUsage()
  return u.user + u.system
}
const rss0 = process.memoryUsage.rss()
console.log(`helper compiled and started in ${startMs.toFixed(1)} ms; ${paths.length} processes`)
for (let r = 0; r < rounds; r++) {
  for (const [name, read] of [
    ['inline', inline],
    ['helper', (p: string) => timed.read(p)],
  ] as const) {
    const c0 = cpuUs()
    const w0 = performance.now()
    let n = 0
    for (let k = 0; k < 20; k++) {
      for (const p of paths) {
        try {
          read(p)
          n++
        } catch {
          // a process that exited
        }
      }
    }
    console.log(`${name}: ${n} reads, ${((cpuUs() - c0) / n).toFixed(2)} us CPU and ${(((performance.now() - w0) * 1000) / n).toFixed(2)} us wall per read`)
  }
}
console.log(`RSS ${(rss0 / 1048576).toFixed(1)} MiB; abandoned ${timed.stats().abandoned}`)
