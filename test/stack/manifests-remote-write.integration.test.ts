// --remote-write end to end with two real Prometheus processes on loopback: one runs the
// prometheus.yml that `manifests --ha --remote-write URL --remote-write-auth basic:odin`
// generates (the odin-agent job and its relabelling, the rules, the replica external label),
// scraping the compiled agent and writing to the other, started with
// --web.enable-remote-write-receiver. The second is queried for the agent's series and a
// recording-rule result, with job, node, instance and replica as the stack sets them.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { parse } from 'yaml'
import { diskAssetSource } from '../../src/assets/asset-source.ts'
import { DEFAULT_OPTIONS, buildManifests } from '../../src/cli/manifests/render.ts'
import { ensureBinary, freePort } from '../helpers/binary.ts'
import { findTool, repoRoot, ruleFiles } from './stack-files.ts'

const prometheusBin = findTool('prometheus')
const tmp = mkdtempSync(join(tmpdir(), 'odin-remote-write-'))
const children: ChildProcess[] = []
const logs = new Map<string, Buffer[]>()
let receiverUrl = ''
const NODE = 'e2e-node'

function start(name: string, file: string, args: string[], env?: Record<string, string>): ChildProcess {
  const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } })
  const chunks: Buffer[] = []
  logs.set(name, chunks)
  child.stdout?.on('data', (b: Buffer) => chunks.push(b))
  child.stderr?.on('data', (b: Buffer) => chunks.push(b))
  children.push(child)
  return child
}

function tail(name: string): string {
  return Buffer.concat(logs.get(name) ?? []).toString('utf8').split('\n').slice(-15).join('\n')
}

async function waitFor<T>(what: string, ms: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms
  let last: unknown
  while (Date.now() < deadline) {
    try {
      const v = await check()
      if (v !== undefined) {
        return v
      }
    } catch (err) {
      last = err
    }
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? `: ${String(last)}` : ''}\n--- sender ---\n${tail('sender')}\n--- receiver ---\n${tail('receiver')}`)
}

interface Sample {
  metric: Record<string, string>
  value: [number, string]
}
async function query(expr: string): Promise<Sample[]> {
  const res = await fetch(`${receiverUrl}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(5000) })
  const body = (await res.json()) as { status: string; error?: string; data: { result: Sample[] } }
  if (body.status !== 'success') {
    throw new Error(`${expr}: ${body.error}`)
  }
  return body.data.result
}

interface Job {
  job_name: string
  scrape_interval?: string
  kubernetes_sd_configs?: unknown
  static_configs?: unknown
  relabel_configs?: unknown
}

/**
 * The generated config, made runnable on loopback: the agent pod found by Kubernetes
 * discovery becomes a static target carrying the same __meta labels, so the job's own
 * relabelling (keep port metrics, node and instance from the node name) runs unchanged;
 * intervals shrink to 1 s so rates and rules fill in seconds.
 */
function senderConfig(agent: string, remoteWriteUrl: string): string {
  const objs = buildManifests(diskAssetSource(repoRoot), {
    ...DEFAULT_OPTIONS,
    ha: true,
    remoteWrite: { url: remoteWriteUrl, auth: { kind: 'basic', username: 'odin' } },
  })
  const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-config')
  const cfg = parse((cm?.data as Record<string, string>)['prometheus.yml'] as string) as {
    global: Record<string, unknown>
    rule_files: string[]
    alerting?: unknown
    scrape_configs: Job[]
    remote_write: { basic_auth: { password_file: string } }[]
  }
  cfg.global.scrape_interval = '1s'
  cfg.global.scrape_timeout = '1s'
  cfg.global.evaluation_interval = '1s'
  delete cfg.alerting
  cfg.rule_files = ruleFiles().map((f) => join(repoRoot, 'rules', f))
  const job = cfg.scrape_configs.find((j) => j.job_name === 'odin-agent') as Job
  expect(job.kubernetes_sd_configs).toBeDefined()
  delete job.kubernetes_sd_configs
  job.scrape_interval = '1s'
  job.static_configs = [{ targets: [agent], labels: { __meta_kubernetes_pod_container_port_name: 'metrics', __meta_kubernetes_pod_node_name: NODE } }]
  cfg.scrape_configs = [job]
  const password = join(tmp, 'password')
  writeFileSync(password, 'e2e-password\n')
  expect(cfg.remote_write).toHaveLength(1)
  ;(cfg.remote_write[0] as { basic_auth: { password_file: string } }).basic_auth.password_file = password
  return JSON.stringify(cfg)
}

beforeAll(async () => {
  if (!prometheusBin) {
    return
  }
  const agentBin = process.env.ODIN_AGENT_BINARY ?? (await ensureBinary())
  const agent = `127.0.0.1:${await freePort()}`
  start('agent', agentBin, [`--web.listen-address=${agent}`, `--data-dir=${join(tmp, 'agent-data')}`, '--sampler.interval=1s', '--log.format=json'])
  const receiver = `127.0.0.1:${await freePort()}`
  receiverUrl = `http://${receiver}`
  writeFileSync(join(tmp, 'receiver.yml'), 'global: {}\n')
  start('receiver', prometheusBin, [`--config.file=${join(tmp, 'receiver.yml')}`, `--storage.tsdb.path=${join(tmp, 'receiver-tsdb')}`, `--web.listen-address=${receiver}`, '--web.enable-remote-write-receiver', '--log.level=warn'])
  writeFileSync(join(tmp, 'sender.yml'), senderConfig(agent, `${receiverUrl}/api/v1/write`))
  const sender = `127.0.0.1:${await freePort()}`
  // Prometheus 3 (the manifests' image) always expands ${POD_NAME}; Debian's 2.x needs the flag.
  start(
    'sender',
    prometheusBin,
    [`--config.file=${join(tmp, 'sender.yml')}`, `--storage.tsdb.path=${join(tmp, 'sender-tsdb')}`, `--web.listen-address=${sender}`, '--enable-feature=expand-external-labels', '--log.level=warn'],
    { POD_NAME: 'prometheus-0' },
  )
  for (const [what, url] of [['the agent', `http://${agent}/ready`], ['the receiver', `${receiverUrl}/-/ready`], ['the sender', `http://${sender}/-/ready`]] as const) {
    await waitFor(what, 30_000, async () => ((await fetch(url, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined))
  }
}, 180_000)

afterAll(async () => {
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
  rmSync(tmp, { recursive: true, force: true })
})

test.skipIf(!prometheusBin)('the receiver holds the agent\'s series and a recording-rule result, labelled as the stack labels them', async () => {
  const labels = `job="odin-agent",instance="${NODE}",node="${NODE}",replica="prometheus-0"`
  const load = await waitFor('node_load1 at the receiver', 60_000, async () => {
    const r = await query(`node_load1{${labels}}`)
    return r.length === 1 ? r : undefined
  })
  expect(load[0]?.metric).toEqual({ __name__: 'node_load1', job: 'odin-agent', instance: NODE, node: NODE, replica: 'prometheus-0' })
  // A recording rule from rules/node.yml, evaluated by the sender and written on.
  const rule = await waitFor('instance:node_cpu_utilisation:rate5m at the receiver', 60_000, async () => {
    const r = await query(`instance:node_cpu_utilisation:rate5m{${labels}}`)
    return r.length === 1 ? r : undefined
  })
  expect(Number(rule[0]?.value[1])).toBeGreaterThanOrEqual(0)
  // More than a handful of series made the trip: the whole scrape, not one metric.
  const count = await query(`count({job="odin-agent",replica="prometheus-0"})`)
  expect(Number(count[0]?.value[1])).toBeGreaterThan(100)
}, 150_000)

test.skipIf(prometheusBin)('prometheus is installed', () => {
  console.warn('SKIPPED: prometheus not found on PATH; the remote-write path was not tested end to end')
})
