// `odin-agent manifests --ha` and `--remote-write`: the HA wiring (StatefulSet replicas,
// replica external label, Thanos sidecars and Query, Alertmanager peers, Grafana on
// Thanos Query) checked structurally, and every generated prometheus.yml, external labels
// and remote_write included, through promtool. Schema validation of every object is in
// manifests.test.ts (the --ha and --remote-write variants).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import type { K8sObject } from '../../src/cli/manifests/kustomize.ts'
import { DEFAULT_OPTIONS } from '../../src/cli/manifests/render.ts'
import type { ManifestOptions } from '../../src/cli/manifests/render.ts'
import { checkPrometheusConfig, promtool } from './manifests-promtool.ts'
import { docs, find } from './manifests-objects.ts'

const tmp = mkdtempSync(join(tmpdir(), 'odin-ha-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

interface Container {
  name: string
  image: string
  args?: string[]
  env?: { name: string; valueFrom?: { fieldRef?: { fieldPath: string } } }[]
  ports?: { name: string; containerPort: number; protocol?: string }[]
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[]
}
interface Sts {
  replicas: number
  serviceName: string
  selector: { matchLabels: Record<string, string> }
  template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[]; volumes?: ({ name: string } & Record<string, unknown>)[] } }
  volumeClaimTemplates?: { metadata: { name: string }; spec: { resources: { requests: { storage: string } } } }[]
}
interface PromConfig {
  global: { external_labels?: Record<string, string> }
  alerting?: { alertmanagers: { static_configs: { targets: string[] }[] }[] }
  remote_write?: Record<string, unknown>[]
}
const promConfig = (objs: K8sObject[]): string => (find(objs, 'ConfigMap', 'prometheus-config').data as Record<string, string>)['prometheus.yml'] as string

describe('--ha --namespace obs', () => {
  const objs = docs({ ...DEFAULT_OPTIONS, ha: true, namespace: 'obs' })
  const prom = find(objs, 'StatefulSet', 'prometheus')
  const spec = prom.spec as Sts

  test('Prometheus is a 2-replica StatefulSet whose data is a claim per replica', () => {
    expect(objs.filter((o) => o.metadata.name === 'prometheus' && o.kind === 'Deployment')).toEqual([])
    expect(spec.replicas).toBe(2)
    expect(objs.filter((o) => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'prometheus-data')).toEqual([])
    expect(spec.volumeClaimTemplates?.map((t) => [t.metadata.name, t.spec.resources.requests.storage])).toEqual([['data', '20Gi']])
    expect(spec.template.spec.volumes?.some((v) => v.name === 'data')).toBe(false)
    const headless = find(objs, 'Service', spec.serviceName)
    expect((headless.spec as { clusterIP: string }).clusterIP).toBe('None')
    expect((headless.spec as { selector: Record<string, string> }).selector).toEqual(spec.selector.matchLabels)
  })

  test('each replica has its replica external label and a Thanos sidecar on its TSDB', () => {
    const c = parse(promConfig(objs)) as PromConfig
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Prometheus expands it
    expect(c.global.external_labels).toEqual({ replica: '${POD_NAME}' })
    const [promC, sidecar] = spec.template.spec.containers as [Container, Container]
    expect(promC.env?.find((e) => e.name === 'POD_NAME')?.valueFrom?.fieldRef?.fieldPath).toBe('metadata.name')
    expect(sidecar.name).toBe('thanos-sidecar')
    expect(sidecar.image).toMatch(/^quay\.io\/thanos\/thanos:v\d+\.\d+\.\d+$/)
    expect(sidecar.args?.[0]).toBe('sidecar')
    const tsdb = promC.args?.find((a) => a.startsWith('--storage.tsdb.path='))?.split('=')[1]
    expect(sidecar.args).toContain(`--tsdb.path=${tsdb}`)
    expect(sidecar.volumeMounts).toEqual([{ name: 'data', mountPath: tsdb }])
    expect(sidecar.args).toContain('--prometheus.url=http://localhost:9090')
    expect(sidecar.ports?.find((p) => p.name === 'grpc')?.containerPort).toBe(10901)
  })

  test('Thanos Query deduplicates on replica over the sidecars, and Grafana reads from it', () => {
    const q = (find(objs, 'Deployment', 'thanos-query').spec as Sts).template.spec.containers[0] as Container
    expect(q.args?.[0]).toBe('query')
    expect(q.args).toContain('--query.replica-label=replica')
    const grpcPort = (find(objs, 'Service', 'prometheus-headless').spec as { ports: { name: string; port: number }[] }).ports.find((p) => p.name === 'grpc')
    expect(grpcPort?.port).toBe(10901)
    expect(q.args).toContain(`--endpoint=dnssrv+_${grpcPort?.name}._tcp.prometheus-headless.obs.svc.cluster.local`)
    const svc = find(objs, 'Service', 'thanos-query')
    const port = (svc.spec as { ports: { port: number }[] }).ports[0]?.port
    const ds = parse((find(objs, 'ConfigMap', 'grafana-provisioning').data as Record<string, string>)['datasources.yaml'] as string) as {
      datasources: { uid: string; type: string; url: string }[]
    }
    expect(ds.datasources.find((d) => d.type === 'prometheus')).toMatchObject({ uid: 'prometheus', url: `http://thanos-query:${port}` })
  })

  test('Alertmanager is a 2-peer cluster and both Prometheus replicas alert to both peers', () => {
    const am = find(objs, 'StatefulSet', 'alertmanager').spec as Sts
    expect(am.replicas).toBe(2)
    const c = am.template.spec.containers[0] as Container
    const peers = (c.args ?? []).filter((a) => a.startsWith('--cluster.peer='))
    expect(peers).toEqual(['--cluster.peer=alertmanager-0.alertmanager-headless.obs.svc:9094', '--cluster.peer=alertmanager-1.alertmanager-headless.obs.svc:9094'])
    expect(c.args).toContain('--cluster.listen-address=0.0.0.0:9094')
    expect(c.args).not.toContain('--cluster.listen-address=')
    expect(am.serviceName).toBe('alertmanager-headless')
    const headless = find(objs, 'Service', 'alertmanager-headless').spec as { clusterIP: string; ports: { port: number; protocol?: string }[] }
    expect(headless.clusterIP).toBe('None')
    expect(
      headless.ports
        .filter((p) => p.port === 9094)
        .map((p) => p.protocol)
        .sort(),
    ).toEqual(['TCP', 'UDP'])
    const cfg = parse(promConfig(objs)) as PromConfig
    expect(cfg.alerting?.alertmanagers[0]?.static_configs[0]?.targets).toEqual(['alertmanager-0.alertmanager-headless:9093', 'alertmanager-1.alertmanager-headless:9093'])
  })

  test('only Prometheus pods may still reach the agent (the StatefulSet keeps the label the policy selects)', () => {
    const np = find(objs, 'NetworkPolicy', 'odin-agent-from-prometheus').spec as { ingress: { from: { podSelector: { matchLabels: Record<string, string> } }[] }[] }
    expect(spec.template.metadata.labels).toMatchObject(np.ingress[0]?.from[0]?.podSelector.matchLabels ?? { missing: 'selector' })
  })
})

describe('--remote-write', () => {
  test.each([
    ['none', undefined, undefined],
    ['bearer', { kind: 'bearer' } as const, { authorization: { type: 'Bearer', credentials_file: '/etc/prometheus/remote-write/token' } }],
    ['basic', { kind: 'basic', username: 'odin' } as const, { basic_auth: { username: 'odin', password_file: '/etc/prometheus/remote-write/password' } }],
  ])('auth %s: every sample to the URL, credentials read from the Secret', (_, auth, expected) => {
    const objs = docs({ ...DEFAULT_OPTIONS, remoteWrite: { url: 'https://mimir.example/api/v1/push', ...(auth ? { auth } : {}) } })
    const cfg = parse(promConfig(objs)) as PromConfig
    expect(cfg.remote_write).toEqual([{ url: 'https://mimir.example/api/v1/push', ...(expected ?? {}) }])
    const pod = (find(objs, 'Deployment', 'prometheus').spec as Sts).template.spec
    const vol = pod.volumes?.find((v) => v.name === 'remote-write')
    const mount = pod.containers[0]?.volumeMounts?.find((m) => m.name === 'remote-write')
    if (auth === undefined) {
      expect(vol).toBeUndefined()
    } else {
      expect(vol?.secret).toEqual({ secretName: 'prometheus-remote-write' })
      expect(mount).toEqual({ name: 'remote-write', mountPath: '/etc/prometheus/remote-write', readOnly: true })
    }
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([])
  })

  test('with --ha both replicas write, each with its replica label, and the Secret is on the StatefulSet', () => {
    const objs = docs({ ...DEFAULT_OPTIONS, ha: true, remoteWrite: { url: 'https://r.example/push', auth: { kind: 'bearer' } } })
    const cfg = parse(promConfig(objs)) as PromConfig
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Prometheus expands it
    expect(cfg.global.external_labels).toEqual({ replica: '${POD_NAME}' })
    expect(cfg.remote_write?.[0]?.url).toBe('https://r.example/push')
    expect((find(objs, 'StatefulSet', 'prometheus').spec as Sts).template.spec.volumes?.find((v) => v.name === 'remote-write')).toBeDefined()
  })
})

describe.skipIf(!promtool)('promtool check config on every generated prometheus.yml', () => {
  const variants: [string, ManifestOptions][] = [
    ['default', DEFAULT_OPTIONS],
    ['--ha', { ...DEFAULT_OPTIONS, ha: true }],
    ['--ha --components agent,prometheus,grafana', { ...DEFAULT_OPTIONS, ha: true, components: ['agent', 'prometheus', 'grafana'] }],
    ['--remote-write URL', { ...DEFAULT_OPTIONS, remoteWrite: { url: 'http://receiver.example:9090/api/v1/write' } }],
    ['--remote-write URL --remote-write-auth bearer', { ...DEFAULT_OPTIONS, remoteWrite: { url: 'https://r.example/api/v1/receive', auth: { kind: 'bearer' } } }],
    [
      '--ha --remote-write URL --remote-write-auth basic:odin',
      { ...DEFAULT_OPTIONS, ha: true, remoteWrite: { url: 'https://m.example/api/v1/push', auth: { kind: 'basic', username: 'odin' } } },
    ],
  ]
  test.each(variants)('%s', (name, options) => {
    const r = checkPrometheusConfig(promConfig(docs(options)), join(tmp, name.replace(/[^a-z0-9]+/gi, '-')))
    expect(r.ok, r.out).toBe(true)
    expect(r.out).toMatch(/SUCCESS: .*prometheus\.yml is valid/)
    expect(r.out.match(/SUCCESS: \d+ rules found/g)?.length).toBeGreaterThan(0)
  })
})
