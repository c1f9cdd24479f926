// `promtool check config` on a generated prometheus.yml, for the manifests tests.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { findTool, repoRoot, ruleFiles } from './stack-files.ts'

export const promtool = findTool('promtool')

export interface CheckResult {
  ok: boolean
  out: string
  /** True when kubernetes_sd_configs had to stand in as static targets (Debian's promtool). */
  staticSd: boolean
}

function run(file: string): { ok: boolean; out: string } {
  try {
    return { ok: true, out: execFileSync(promtool as string, ['check', 'config', file], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] }) }
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string }
    return { ok: false, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }
  }
}

let sdSupported: boolean | undefined
/** Debian builds Prometheus without Kubernetes discovery (client-go is not packaged). */
export function promtoolHasKubernetesSd(dir: string): boolean {
  if (sdSupported === undefined) {
    const probe = join(dir, 'k8s-sd-probe.yml')
    writeFileSync(probe, 'scrape_configs:\n  - job_name: x\n    kubernetes_sd_configs:\n      - role: pod\n')
    sdSupported = run(probe).ok
  }
  return sdSupported
}

/**
 * Writes `yamlText` (a prometheus.yml) under `dir` with rule_files pointed at rules/ and
 * any file the config names (password_file, credentials_file) created, and runs promtool.
 * Where promtool lacks Kubernetes discovery, each kubernetes_sd_configs block is replaced
 * by a static target (the block itself is checked structurally by the callers).
 */
export function checkPrometheusConfig(yamlText: string, dir: string): CheckResult {
  mkdirSync(dir, { recursive: true })
  const cfg = parse(yamlText) as { rule_files?: string[]; scrape_configs?: Record<string, unknown>[]; remote_write?: Record<string, Record<string, string>>[] }
  if (cfg.rule_files !== undefined) {
    cfg.rule_files = ruleFiles().map((f) => join(repoRoot, 'rules', f))
  }
  for (const rw of cfg.remote_write ?? []) {
    for (const auth of [rw.basic_auth, rw.authorization]) {
      for (const key of ['password_file', 'credentials_file']) {
        if (auth?.[key] !== undefined) {
          const local = join(dir, key)
          writeFileSync(local, 'not-a-real-secret\n')
          auth[key] = local
        }
      }
    }
  }
  const staticSd = !promtoolHasKubernetesSd(dir)
  if (staticSd) {
    for (const job of cfg.scrape_configs ?? []) {
      if (job.kubernetes_sd_configs) {
        delete job.kubernetes_sd_configs
        job.static_configs = [{ targets: ['odin-agent:9405'] }]
      }
    }
  }
  const file = join(mkdtempSync(join(dir, 'cfg-')), 'prometheus.yml')
  writeFileSync(file, JSON.stringify(cfg))
  return { ...run(file), staticSd }
}
