// A real (Debian) Prometheus for integration tests: started on a free loopback port with
// its config and TSDB under the test's temporary folder, its output kept for error messages.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { freePort, waitFor } from './binary.ts'

export interface PromSample {
  metric: Record<string, string>
  value: [number, string]
}

export interface PromResult {
  status: string
  error?: string
  data: { resultType?: string; result: PromSample[] }
}

export interface StartedPrometheus {
  readonly child: ChildProcess
  /** http://127.0.0.1:PORT */
  readonly url: string
  /** The last `lines` lines Prometheus wrote. */
  tail(lines?: number): string
  query(expr: string, timeoutMs?: number): Promise<PromResult>
}

export interface PrometheusOptions {
  /** The prometheus executable (findTool('prometheus')). */
  bin: string
  /** Where `<name>.yml` and `<name>-tsdb/` go. */
  dir: string
  /** The config: YAML text, or an object written as JSON (which YAML reads). */
  config: string | object
  name?: string
  /** Flags beyond config, TSDB path, listen address and --log.level=warn. */
  args?: string[]
  env?: Record<string, string>
  readyTimeoutMs?: number
}

/** A config scraping `target` as job odin-agent every second, evaluating `ruleFiles` every second. */
export function scrapeConfig(target: string, ruleFiles: string[]): object {
  return {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: ruleFiles,
    scrape_configs: [{ job_name: 'odin-agent', static_configs: [{ targets: [target] }] }],
  }
}

/** Queries Prometheus's instant-query API at `url`. */
export async function queryPrometheus(url: string, expr: string, timeoutMs = 10_000): Promise<PromResult> {
  const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(timeoutMs) })
  return (await res.json()) as PromResult
}

/** Starts Prometheus and waits until /-/ready answers; the caller stops `child`. */
export async function startPrometheus(o: PrometheusOptions): Promise<StartedPrometheus> {
  const name = o.name ?? 'prometheus'
  const configFile = join(o.dir, `${name}.yml`)
  writeFileSync(configFile, typeof o.config === 'string' ? o.config : JSON.stringify(o.config))
  const listen = `127.0.0.1:${await freePort()}`
  const args = [`--config.file=${configFile}`, `--storage.tsdb.path=${join(o.dir, `${name}-tsdb`)}`, `--web.listen-address=${listen}`, ...(o.args ?? []), '--log.level=warn']
  const child = spawn(o.bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...o.env } })
  const chunks: Buffer[] = []
  child.stdout?.on('data', (b: Buffer) => chunks.push(b))
  child.stderr?.on('data', (b: Buffer) => chunks.push(b))
  const url = `http://${listen}`
  const tail = (lines = 15) => Buffer.concat(chunks).toString('utf8').split('\n').slice(-lines).join('\n')
  try {
    await waitFor(async () => (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) })).ok, o.readyTimeoutMs ?? 30_000, `Prometheus (${name}) to be ready`)
  } catch (err) {
    child.kill('SIGKILL')
    throw new Error(`${String(err)}\n--- ${name} ---\n${tail()}`, { cause: err })
  }
  return { child, url, tail, query: (expr, timeoutMs) => queryPrometheus(url, expr, timeoutMs) }
}
