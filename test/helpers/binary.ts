import { execFileSync, spawn } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'

export const repoRoot = join(import.meta.dirname, '..', '..')
export const binaryPath = join(repoRoot, 'dist', 'odin-agent')
/** The fixture host most binary tests run against, and the flags that point the agent at it. */
export const HOST_A = join(repoRoot, 'test', 'fixtures', 'host-a')
export const HOST_A_ARGS = [`--path.procfs=${HOST_A}/proc`, `--path.sysfs=${HOST_A}/sys`, `--path.rootfs=${HOST_A}/root`]

/**
 * A wedged site wrapper standing in for nvidia-smi at `dir`/nvidia-smi: it ignores SIGTERM,
 * forks `children` children that ignore it too, logs "<wrapper pid> <child pid>" to `log` for
 * each, and waits. Returns its path.
 */
export function writeHangingNvidiaSmi(dir: string, log: string, children: number): string {
  const wrapper = join(dir, 'nvidia-smi')
  const fork = `(trap "" TERM; exec sleep 60) &\necho "$$ $!" >> ${log}\n`
  writeFileSync(wrapper, `#!/bin/sh\ntrap "" TERM\n${fork.repeat(children)}wait\n`)
  chmodSync(wrapper, 0o755)
  return wrapper
}

/** Alive and not a zombie waiting for its reaper. */
export function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return false
  }
}

function newestSourceMtime(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestSourceMtime(p) : statSync(p).mtimeMs)
  }
  return newest
}

function binaryIsFresh(): boolean {
  try {
    const built = statSync(binaryPath).mtimeMs
    return ['src', 'rules', 'dashboards', 'k8s'].every((d) => {
      try {
        return newestSourceMtime(join(repoRoot, d)) <= built
      } catch {
        return true
      }
    })
  } catch {
    return false
  }
}

/**
 * Builds dist/odin-agent unless it is newer than every source file. Test files run in
 * parallel forks, so a directory lock makes one of them build while the others wait.
 */
export async function ensureBinary(timeoutMs = 120_000): Promise<string> {
  const lock = join(repoRoot, 'dist', '.build-lock')
  mkdirSync(join(repoRoot, 'dist'), { recursive: true })
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (binaryIsFresh()) {
      return binaryPath
    }
    try {
      mkdirSync(lock)
    } catch {
      try {
        if (Date.now() - statSync(lock).mtimeMs > timeoutMs) {
          rmSync(lock, { recursive: true, force: true }) // left by a killed run
        }
      } catch {
        // lock just went away
      }
      await new Promise((r) => setTimeout(r, 250))
      continue
    }
    try {
      if (!binaryIsFresh()) {
        execFileSync(process.execPath, [join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] })
      }
      return binaryPath
    } finally {
      rmSync(lock, { recursive: true, force: true })
    }
  }
  throw new Error(`timed out waiting for the build of ${binaryPath}`)
}

export interface RunningAgent {
  readonly child: ChildProcess
  readonly port: number
  readonly url: string
  readonly logs: () => string
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>
}

/** A free loopback port (bind 0, read, release). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** Starts the compiled agent on 127.0.0.1:0 and waits until it reports its port. */
export async function startAgent(args: string[], timeoutMs = 15_000): Promise<RunningAgent> {
  const child = spawn(binaryPath, ['--web.listen-address=127.0.0.1:0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`agent did not start within ${timeoutMs} ms:\n${out}`)), timeoutMs)
    const check = () => {
      const m = /address=127\.0\.0\.1:(\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    }
    child.stderr?.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`agent exited with ${code} before listening:\n${out}`))
    })
  })
  const url = `http://127.0.0.1:${port}`
  return {
    child,
    port,
    url,
    logs: () => out,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) {
          resolve({ code: child.exitCode, ms: 0 })
          return
        }
        const t0 = performance.now()
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000)
        child.once('exit', (code) => {
          clearTimeout(kill)
          resolve({ code, ms: performance.now() - t0 })
        })
        child.kill(signal)
      }),
  }
}

/** Polls `fn` until it returns a truthy value or the deadline passes; `detail` adds to a timeout's message. */
export async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs: number, what: string, detail?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastErr: unknown
  while (Date.now() < deadline) {
    try {
      const v = await fn()
      if (v) {
        return v
      }
    } catch (err) {
      lastErr = err
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}${detail ? `\n${detail()}` : ''}`)
}

/** SIGTERMs every child still running and waits for each to exit, SIGKILLing any that takes over 5 s. */
export async function stopChildren(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) {
            resolve()
            return
          }
          const hard = setTimeout(() => c.kill('SIGKILL'), 5000)
          c.once('exit', () => {
            clearTimeout(hard)
            resolve()
          })
          c.kill('SIGTERM')
        }),
    ),
  )
}
