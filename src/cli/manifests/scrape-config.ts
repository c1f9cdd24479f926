import { parse, stringify } from 'yaml'
import type { K8sObject } from './kustomize.ts'
import { configMapData } from './yaml-edit.ts'

/** The job name the rules select on (`up{job="odin-agent"}`) and the dashboards default to. */
export const AGENT_JOB = 'odin-agent'

export class ScrapeConfigError extends Error {
  override readonly name = 'ScrapeConfigError'
}

/** The odin-agent scrape job of the embedded Prometheus configuration, as data. */
export function agentScrapeJob(objects: readonly K8sObject[]): Record<string, unknown> {
  const text = configMapData(objects, 'prometheus-config')?.['prometheus.yml']
  if (text === undefined) {
    throw new ScrapeConfigError('the embedded manifests have no prometheus-config ConfigMap with prometheus.yml')
  }
  const config = parse(text) as { scrape_configs?: Record<string, unknown>[] }
  const job = config.scrape_configs?.find((j) => j.job_name === AGENT_JOB)
  if (job === undefined) {
    throw new ScrapeConfigError(`the embedded prometheus.yml has no ${AGENT_JOB} scrape job`)
  }
  return job
}

/**
 * `--scrape-config`: the same job the embedded Prometheus runs, for a Prometheus of your
 * own. A file with `scrape_configs:` at the top, so it can be pasted or named in
 * `scrape_config_files:` (Prometheus 2.43 and later).
 */
export function renderScrapeConfig(objects: readonly K8sObject[], namespace: string): string {
  return [
    `# odin-agent scrape job for a Prometheus of your own: the agent pods in ${namespace}-agent,`,
    '# discovered through the Kubernetes API (Prometheus needs get/list/watch on pods there),',
    '# with instance and node set to the node name. Keep job_name: the rules select on it.',
    stringify({ scrape_configs: [agentScrapeJob(objects)] }, { lineWidth: 0 }),
  ].join('\n')
}
