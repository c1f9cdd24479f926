// `odin-agent manifests --web-config`: the agent reads --web.config.file from a Secret and
// keeps its probes (HTTPS, no auth); Prometheus' odin-agent job scrapes over TLS with the
// CA and password of another Secret; both Secrets are named in the header, never printed.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DaemonSet, Deployment } from 'kubernetes-models/apps/v1'
import { afterAll, describe, expect, test } from 'vitest'
import { parse, parseAllDocuments, stringify } from 'yaml'
import { diskAssetSource } from '../../src/assets/asset-source.ts'
import type { K8sObject } from '../../src/cli/manifests/kustomize.ts'
import { ManifestsFlagError, parseManifestsArgs } from '../../src/cli/manifests/options.ts'
import { DEFAULT_OPTIONS, renderManifests } from '../../src/cli/manifests/render.ts'
import { findTool, repoRoot } from './stack-files.ts'

const assets = diskAssetSource(repoRoot)
const tmp = mkdtempSync(join(tmpdir(), 'odin-manifests-web-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

interface Container {
  args?: string[]
  readinessProbe?: { httpGet?: { path: string; scheme?: string } }
  livenessProbe?: { httpGet?: { path: string; scheme?: string } }
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[]
}
interface PodSpec {
  containers: Container[]
  volumes?: ({ name: string } & Record<string, unknown>)[]
}
const pod = (o: K8sObject): PodSpec => (o.spec as { template: { spec: PodSpec } }).template.spec

function render(options: Parameters<typeof renderManifests>[1]): { text: string; objs: K8sObject[] } {
  const text = renderManifests(assets, options)
  return { text, objs: parseAllDocuments(text).map((d) => d.toJS() as K8sObject) }
}

describe('odin-agent manifests --web-config', () => {
  test('the flag parses; it takes no value', () => {
    expect(parseManifestsArgs(['--web-config']).webConfig).toBe(true)
    expect(parseManifestsArgs([]).webConfig).toBeUndefined()
    expect(() => parseManifestsArgs(['--web-config=yes'])).toThrowError(ManifestsFlagError)
  })

  test.each([false, true])('every agent DaemonSet (gpu=%s) reads the web config Secret and probes over HTTPS', (gpu) => {
    const { objs } = render({ ...DEFAULT_OPTIONS, gpu, webConfig: true })
    const agents = objs.filter((o) => o.kind === 'DaemonSet' && o.metadata.labels?.['app.kubernetes.io/name'] === 'odin-agent')
    expect(agents.length).toBe(gpu ? 2 : 1)
    for (const ds of agents) {
      new DaemonSet(ds as never).validate()
      const p = pod(ds)
      const c = p.containers[0] as Container
      expect(c.args).toContain('--web.config.file=/etc/odin-agent/web/web.yml')
      expect(c.volumeMounts).toContainEqual({ name: 'web-config', mountPath: '/etc/odin-agent/web', readOnly: true })
      expect(p.volumes).toContainEqual({ name: 'web-config', secret: { secretName: 'odin-agent-web-config', defaultMode: 0o400 } })
      expect(c.readinessProbe?.httpGet).toMatchObject({ path: '/ready', scheme: 'HTTPS' })
      expect(c.livenessProbe?.httpGet).toMatchObject({ path: '/healthz', scheme: 'HTTPS' })
    }
  })

  test("Prometheus' odin-agent job scrapes over TLS with basic auth from its Secret, and the config passes promtool", () => {
    const { objs } = render({ ...DEFAULT_OPTIONS, webConfig: true })
    const cm = objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'prometheus-config') as K8sObject
    const text = (cm.data as Record<string, string>)['prometheus.yml'] as string
    const job = (parse(text) as { scrape_configs: Record<string, unknown>[] }).scrape_configs.find((j) => j.job_name === 'odin-agent')
    expect(job).toMatchObject({
      scheme: 'https',
      tls_config: { ca_file: '/etc/prometheus/odin-agent-scrape/ca.crt', server_name: 'odin-agent' },
      basic_auth: { username: 'prometheus', password_file: '/etc/prometheus/odin-agent-scrape/password' },
    })
    const prom = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'prometheus') as K8sObject
    new Deployment(prom as never).validate()
    expect(pod(prom).volumes).toContainEqual({ name: 'odin-agent-scrape', secret: { secretName: 'odin-agent-scrape' } })
    expect(pod(prom).containers[0]?.volumeMounts).toContainEqual({ name: 'odin-agent-scrape', mountPath: '/etc/prometheus/odin-agent-scrape', readOnly: true })
    const promtool = findTool('promtool')
    if (promtool) {
      // Debian's promtool has no Kubernetes discovery (see manifests.test.ts): the job is
      // checked with a static target in its place; the TLS and auth blocks are what matter.
      const cfg = parse(text) as { scrape_configs: Record<string, unknown>[] }
      for (const j of cfg.scrape_configs) {
        if (j.kubernetes_sd_configs) {
          delete j.kubernetes_sd_configs
          j.static_configs = [{ targets: ['odin-agent:9405'] }]
        }
      }
      delete (cfg as Record<string, unknown>).rule_files
      const file = join(tmp, 'prometheus.yml')
      writeFileSync(file, stringify(cfg))
      execFileSync(promtool, ['check', 'config', '--syntax-only', file], { stdio: 'pipe' })
    }
  })

  test('the Secrets are named with the commands that create them, in the chosen namespaces, and never printed', () => {
    const { text, objs } = render({ ...DEFAULT_OPTIONS, namespace: 'mon', webConfig: true })
    expect(text).toContain('kubectl -n mon-agent create secret generic odin-agent-web-config --from-file=web.yml --from-file=tls.crt --from-file=tls.key')
    expect(text).toContain('kubectl -n mon create secret generic odin-agent-scrape --from-file=ca.crt --from-literal=password=')
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([])
  })

  test('without the flag nothing changes', () => {
    const { text } = render(DEFAULT_OPTIONS)
    expect(text).not.toContain('web-config')
    expect(text).not.toContain('odin-agent-scrape')
  })
})
