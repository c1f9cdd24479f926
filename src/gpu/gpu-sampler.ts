import type { Logger } from '../log/logger.ts'
import { ExecError } from '../platform/exec.ts'
import type { Exec, ExecResult } from '../platform/exec.ts'
import { parseNvidiaSmiXml } from './nvidia-smi-xml.ts'
import type { NvidiaSmiReport } from './nvidia-smi-xml.ts'

/** The arguments odin-agent passes to nvidia-smi; nothing else is ever run. */
export const NVIDIA_SMI_ARGS: readonly string[] = ['-q', '-x']

/** nvidia-smi exit codes that mean "no driver here" (9: driver not loaded, 12: no NVML). */
const NO_DRIVER_CODES = new Set([9, 12])
const NO_DEVICE_TEXT = /No devices were found|couldn't communicate with the NVIDIA driver/i

export type GpuRunKind = 'ok' | 'nodata' | 'failed'

export interface GpuRun {
  readonly seq: number
  readonly kind: GpuRunKind
  /** Milliseconds since the epoch. */
  readonly finishedAt: number
  readonly durationMs: number
  readonly report?: NvidiaSmiReport
  readonly error?: string
  readonly exitCode?: number | null
  readonly exitSignal?: string | null
  readonly timedOut?: boolean
}

export interface GpuSamplerOptions {
  /** Absolute path of nvidia-smi. */
  readonly path: string
  readonly timeoutMs: number
  readonly killGraceMs: number
  readonly exec: Exec
  readonly now: () => number
  readonly log: Logger
  /** Environment for nvidia-smi; the Exec default (PATH, LC_ALL=C) when absent. */
  readonly env?: Record<string, string>
  readonly maxOutputBytes?: number
  readonly onReport?: (report: NvidiaSmiReport) => void
}

/**
 * Runs nvidia-smi in the background, at most one child at a time: a new run starts only
 * after the previous child has exited or been killed (SIGTERM at the deadline, SIGKILL
 * after the grace period) and reaped. Nobody waits on a run longer than they choose to.
 */
export class GpuSampler {
  private running: Promise<GpuRun> | undefined
  private seq = 0
  private readonly abort = new AbortController()
  private closed = false
  private lastRun: GpuRun | undefined
  private lastOkRun: GpuRun | undefined
  private failureCount = 0
  private runCount = 0

  constructor(private readonly options: GpuSamplerOptions) {}

  /** The latest finished run. */
  get last(): GpuRun | undefined {
    return this.lastRun
  }

  get lastOk(): GpuRun | undefined {
    return this.lastOkRun
  }

  get failures(): number {
    return this.failureCount
  }

  get runs(): number {
    return this.runCount
  }

  get inFlight(): boolean {
    return this.running !== undefined
  }

  /** Starts a run unless one is in flight; either way returns the run in flight. */
  kick(): Promise<GpuRun> {
    if (!this.running) {
      const run = this.run()
      this.running = run
      void run.finally(() => {
        if (this.running === run) {
          this.running = undefined
        }
      })
    }
    return this.running
  }

  /** Kills a child in flight and waits until it is reaped. */
  async close(): Promise<void> {
    this.closed = true
    this.abort.abort()
    await this.running
  }

  private async run(): Promise<GpuRun> {
    const { options } = this
    const seq = ++this.seq
    this.runCount++
    const started = performance.now()
    let outcome: Omit<GpuRun, 'seq' | 'finishedAt' | 'durationMs'>
    if (this.closed) {
      outcome = { kind: 'failed', error: 'collector closed' }
    } else {
      try {
        const result = await options.exec(options.path, NVIDIA_SMI_ARGS, {
          timeoutMs: options.timeoutMs,
          killGraceMs: options.killGraceMs,
          maxOutputBytes: options.maxOutputBytes ?? 64 * 1024 * 1024,
          signal: this.abort.signal,
          env: options.env,
        })
        outcome = this.classify(result)
      } catch (err) {
        const code = err instanceof ExecError ? err.code : undefined
        outcome =
          code === 'ENOENT'
            ? { kind: 'nodata', error: `nvidia-smi not found at ${options.path}` }
            : { kind: 'failed', error: `couldn't run ${options.path}: ${(err as Error).message}` }
      }
    }
    if (outcome.kind === 'nodata' && this.lastOkRun) {
      // A host that had GPUs and now has none lost them: that is a failure, not "no GPU".
      outcome = { ...outcome, kind: 'failed' }
    }
    const run: GpuRun = { ...outcome, seq, finishedAt: options.now(), durationMs: performance.now() - started }
    this.record(run)
    return run
  }

  private classify(r: ExecResult): Omit<GpuRun, 'seq' | 'finishedAt' | 'durationMs'> {
    const exit = { exitCode: r.code, exitSignal: r.signal, timedOut: r.timedOut }
    if (r.timedOut) {
      return { ...exit, kind: 'failed', error: `nvidia-smi did not finish within ${this.options.timeoutMs} ms and was killed (${r.signal ?? 'exited'})` }
    }
    if (r.truncated) {
      return { ...exit, kind: 'failed', error: 'nvidia-smi output exceeded the size limit' }
    }
    if (r.code !== 0) {
      const text = `${r.stdout}\n${r.stderr}`
      if ((r.code !== null && NO_DRIVER_CODES.has(r.code)) || NO_DEVICE_TEXT.test(text)) {
        return { ...exit, kind: 'nodata', error: `no NVIDIA GPU or driver: ${firstLine(text)}` }
      }
      const how = r.code === null ? `was killed by ${r.signal}` : `exited with code ${r.code}`
      return { ...exit, kind: 'failed', error: `nvidia-smi ${how}: ${firstLine(r.stderr) || firstLine(r.stdout)}` }
    }
    try {
      return { ...exit, kind: 'ok', report: parseNvidiaSmiXml(r.stdout) }
    } catch (err) {
      return { ...exit, kind: 'failed', error: (err as Error).message }
    }
  }

  private record(run: GpuRun): void {
    const prev = this.lastRun
    const log = this.options.log
    this.lastRun = run
    if (run.kind === 'ok') {
      this.lastOkRun = run
      if (prev && prev.kind !== 'ok') {
        log.info('nvidia-smi succeeded again', { after: prev.error })
      }
      if (run.report) {
        this.options.onReport?.(run.report)
      }
      return
    }
    if (run.kind === 'failed') {
      this.failureCount++
      // Log a failure when it starts or changes, not on every interval it persists.
      const level = prev?.kind === 'failed' && prev.error === run.error ? 'debug' : 'warn'
      log[level]('nvidia-smi failed', { err: run.error })
      return
    }
    log.debug('no NVIDIA GPU', { err: run.error })
  }
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? '').trim().slice(0, 200)
}
