import { spawn } from 'node:child_process'
import type { ChildProcessByStdio } from 'node:child_process'
import type { Readable } from 'node:stream'

export interface ExecOptions {
  /** Deadline for the whole run; SIGTERM at the deadline, SIGKILL `killGraceMs` later. */
  readonly timeoutMs: number
  readonly killGraceMs?: number
  /** Output beyond this many bytes is cut and reported as `truncated`. */
  readonly maxOutputBytes?: number
  readonly signal?: AbortSignal
  readonly env?: Record<string, string>
}

export interface ExecResult {
  readonly code: number | null
  readonly signal: string | null
  readonly stdout: string
  readonly stderr: string
  readonly timedOut: boolean
  readonly truncated: boolean
  readonly durationMs: number
}

/**
 * Runs a program by absolute path, never through a shell, in a process group of its own:
 * at the deadline (or on too much output) the whole group gets SIGTERM, then SIGKILL after
 * the grace period, so a wrapper script's children (`nvidia-smi` wrappers that fork the real
 * one) die with it, and whatever the run left behind in its group is SIGKILLed once it has
 * exited. An abort means the caller is closing (the agent stops, with no time for a grace
 * period): the group is SIGKILLed at once.
 */
export type Exec = (file: string, args: readonly string[], options: ExecOptions) => Promise<ExecResult>

export class ExecError extends Error {
  override readonly name = 'ExecError'
  constructor(
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

export const execFileNoShell: Exec = (file, args, options) =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const maxBytes = options.maxOutputBytes ?? 16 * 1024 * 1024
    const grace = options.killGraceMs ?? 1000
    let child: ChildProcessByStdio<null, Readable, Readable>
    try {
      child = spawn(file, [...args], {
        shell: false,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: options.env ?? { PATH: '/usr/bin:/bin', LC_ALL: 'C' },
        // setsid(): the child leads a new process group (and session) that kill(-pid) reaches.
        detached: true,
      })
    } catch (err) {
      reject(new ExecError(`couldn't start ${file}: ${String(err)}`, undefined, { cause: err }))
      return
    }
    const out: Buffer[] = []
    const errOut: Buffer[] = []
    let outBytes = 0
    let truncated = false
    let timedOut = false
    let settled = false
    let killTimer: ReturnType<typeof setTimeout> | undefined

    /** Signals the child's whole process group; falls back to the child when there is none. */
    const signalGroup = (sig: NodeJS.Signals): void => {
      const pid = child.pid
      if (pid === undefined) {
        return
      }
      try {
        process.kill(-pid, sig)
      } catch {
        try {
          child.kill(sig)
        } catch {
          // already gone
        }
      }
    }
    const kill = () => {
      if (killTimer !== undefined) {
        return
      }
      signalGroup('SIGTERM')
      killTimer = setTimeout(() => signalGroup('SIGKILL'), grace)
      killTimer.unref?.()
    }
    const deadline = setTimeout(() => {
      timedOut = true
      kill()
    }, options.timeoutMs)
    const onAbort = () => signalGroup('SIGKILL')
    options.signal?.addEventListener('abort', onAbort, { once: true })

    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length
      if (outBytes > maxBytes) {
        truncated = true
        kill()
        return
      }
      out.push(chunk)
    })
    child.stderr.on('data', (chunk: Buffer) => {
      if (errOut.length < 64) {
        errOut.push(chunk)
      }
    })
    const finish = (code: number | null, sig: string | null) => {
      if (settled) {
        return
      }
      settled = true
      clearTimeout(deadline)
      if (killTimer) {
        clearTimeout(killTimer)
      }
      // The leader is gone; anything it left in its group (a wrapper's children) goes too.
      signalGroup('SIGKILL')
      options.signal?.removeEventListener('abort', onAbort)
      child.stdout.destroy()
      child.stderr.destroy()
      resolve({
        code,
        signal: sig,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(errOut).toString('utf8').slice(0, 4096),
        timedOut,
        truncated,
        durationMs: performance.now() - started,
      })
    }
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (settled) {
        return
      }
      settled = true
      clearTimeout(deadline)
      options.signal?.removeEventListener('abort', onAbort)
      reject(new ExecError(`couldn't run ${file}: ${err.message}`, err.code, { cause: err }))
    })
    // 'close' waits for stdio to end; a child that forks a grandchild holding stdout
    // open would keep it pending, so settle on 'exit' once the process itself is gone.
    child.on('exit', (code, sig) => {
      setTimeout(() => finish(code, sig), 50).unref?.()
    })
    child.on('close', (code, sig) => finish(code, sig))
  })
