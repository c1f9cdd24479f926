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
import { ensureBinary, freePort, stopChildren, waitFor } from '../helpers/binary.ts'
import { queryPrometheus, startPrometheus } from '../helpers/prometheus.ts'
import type { PromSample, StartedPrometheus } from '../helpers/prometheus.ts'
import { findTool, repoRoot, ruleFiles } from './stack-files.ts'

const prometheusBin = findTool('prometheus')
const tmp = mkdtempSync(join(tmpdir(), 'odin-remote-write-'))
const children: ChildProcess[] = []
let receiver: StartedPrometheus | undefined
let sender: StartedPrometheus | undefined
const NODE = 'e2e-node'

/** The receiver's and the sender's last lines, for a timeout's message. */
function tails(): string {
  return `--- sender ---\n${sender?.tail() ?? ''}\n--- receiver ---\n${receiver?.tail() ?? ''}`
}

async function query(expr: string): Promise<PromSample[]> {
  const body = await queryPrometheus(receiver?.url ?? '', expr, 5000)
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
  const cfg = parse(((cm?.data ?? {}) as Record<string, string>)['prometheus.yml'] as string) as {
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
  children.push(spawn(agentBin, [`--web.listen-address=${agent}`, `--data-dir=${join(tmp, 'agent-data')}`, '--sampler.interval=1s', '--log.format=json'], { stdio: 'ignore' }))
  receiver = await startPrometheus({ bin: prometheusBin, dir: tmp, name: 'receiver', config: 'global: {}\n', args: ['--web.enable-remote-write-receiver'] })
  children.push(receiver.child)
  // Prometheus 3 (the manifests' image) always expands ${POD_NAME}; Debian's 2.x needs the flag.
  sender = await startPrometheus({
    bin: prometheusBin,
    dir: tmp,
    name: 'sender',
    config: senderConfig(agent, `${receiver.url}/api/v1/write`),
    args: ['--enable-feature=expand-external-labels'],
    env: { POD_NAME: 'prometheus-0' },
  })
  children.push(sender.child)
  await waitFor(async () => (await fetch(`http://${agent}/ready`, { signal: AbortSignal.timeout(2000) })).ok, 30_000, 'the agent')
}, 180_000)

afterAll(async () => {
  await stopChildren(children)
  rmSync(tmp, { recursive: true, force: true })
})

test.skipIf(!prometheusBin)(
  "the receiver holds the agent's series and a recording-rule result, labelled as the stack labels them",
  async () => {
    const labels = `job="odin-agent",instance="${NODE}",node="${NODE}",replica="prometheus-0"`
    const load = await waitFor(
      async () => {
        const r = await query(`node_load1{${labels}}`)
        return r.length === 1 ? r : undefined
      },
      60_000,
      'node_load1 at the receiver',
      tails,
    )
    expect(load[0]?.metric).toEqual({ __name__: 'node_load1', job: 'odin-agent', instance: NODE, node: NODE, replica: 'prometheus-0' })
    // A recording rule from rules/node.yml, evaluated by the sender and written on.
    const rule = await waitFor(
      async () => {
        const r = await query(`instance:node_cpu_utilisation:rate5m{${labels}}`)
        return r.length === 1 ? r : undefined
      },
      60_000,
      'instance:node_cpu_utilisation:rate5m at the receiver',
      tails,
    )
    expect(Number(rule[0]?.value[1])).toBeGreaterThanOrEqual(0)
    // More than a handful of series made the trip: the whole scrape, not one metric.
    const count = await query(`count({job="odin-agent",replica="prometheus-0"})`)
    expect(Number(count[0]?.value[1])).toBeGreaterThan(100)
  },
  150_000,
)

test.skipIf(prometheusBin)('prometheus is installed', () => {
  console.warn('SKIPPED: prometheus not found on PATH; the remote-write path was not tested end to end')
})
