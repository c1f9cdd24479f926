// `odin-agent manifests --scrape-config`: the odin-agent job for a Prometheus of your own,
// taken from the same embedded prometheus-config the whole stack runs, passes promtool.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { parse } from 'yaml'
import { diskAssetSource } from '../../src/assets/asset-source.ts'
import { GLOBAL_FLAGS } from '../../src/config/config.ts'
import { runManifestsCommand } from '../../src/cli/manifests/index.ts'
import { DEFAULT_OPTIONS, buildManifests } from '../../src/cli/manifests/render.ts'
import { checkPrometheusConfig, promtool } from './manifests-promtool.ts'
import { repoRoot } from './stack-files.ts'

const assets = diskAssetSource(repoRoot)
const tmp = mkdtempSync(join(tmpdir(), 'odin-scrape-config-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

interface Job {
  job_name: string
  scrape_interval?: string
  sample_limit?: number
  kubernetes_sd_configs: { role: string; namespaces: { names: string[] } }[]
  relabel_configs: { source_labels?: string[]; target_label?: string; action?: string; regex?: string }[]
}

async function scrapeConfig(argv: string[]): Promise<string> {
  let out = ''
  let err = ''
  const rc = await runManifestsCommand(['--scrape-config', ...argv], { stdout: (s) => void (out += s), stderr: (s) => void (err += s) }, assets)
  expect([rc, err]).toEqual([0, ''])
  return out
}

test('--scrape-config prints the embedded odin-agent job, namespace and all', async () => {
  const text = await scrapeConfig(['--namespace=monitoring'])
  const jobs = (parse(text) as { scrape_configs: Job[] }).scrape_configs
  expect(jobs).toHaveLength(1)
  const job = jobs[0] as Job
  // The job name the rules select on.
  expect(job.job_name).toBe('odin-agent')
  expect(readFileSync(join(repoRoot, 'rules', 'agent.yml'), 'utf8')).toContain('up{job="odin-agent"}')
  expect(job.kubernetes_sd_configs[0]?.role).toBe('pod')
  // The series budget per node (README, Scaling) travels with the job, equal to the
  // agent's own default cap (--web.max-series), so the agent never trips it.
  expect(job.sample_limit).toBe(8000)
  expect(GLOBAL_FLAGS.find((f) => f.name === 'web.max-series')?.default).toBe(job.sample_limit)
  expect(job.kubernetes_sd_configs[0]?.namespaces.names).toEqual(['monitoring-agent'])
  for (const target of ['node', 'instance']) {
    expect(job.relabel_configs.find((r) => r.target_label === target)?.source_labels).toEqual(['__meta_kubernetes_pod_node_name'])
  }
  // Same source as the whole stack's Prometheus: equal to its job, object for object.
  const stack = buildManifests(assets, { ...DEFAULT_OPTIONS, namespace: 'monitoring' })
  const cm = stack.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-config')
  const embedded = (parse(((cm?.data ?? {}) as Record<string, string>)['prometheus.yml'] as string) as { scrape_configs: Job[] }).scrape_configs.find(
    (j) => j.job_name === 'odin-agent',
  )
  expect(job).toEqual(embedded)
})

test.skipIf(!promtool)('promtool check config passes on the printed scrape job', async () => {
  const r = checkPrometheusConfig(await scrapeConfig([]), tmp)
  if (r.staticSd) {
    console.warn('promtool has no Kubernetes discovery (Debian build); kubernetes_sd_configs checked structurally, stood in as a static target')
  }
  expect(r.ok, r.out).toBe(true)
  expect(r.out).toMatch(/SUCCESS: .*prometheus\.yml is valid/)
})
