import { AGENT_NAMESPACE_SUFFIX, COMPONENTS, DEFAULT_OPTIONS } from './render.ts'
import type { Component, ManifestOptions, RemoteWriteAuth } from './render.ts'

export class ManifestsFlagError extends Error {
  override readonly name = 'ManifestsFlagError'
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/
const IMAGE_REF = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/
const LABEL_NAME = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/
const USERNAME = /^[A-Za-z0-9._@+-]{1,256}$/

/** Every flag, in the order errors list them. */
const FLAGS = [
  'namespace',
  'image',
  'components',
  'storage-class',
  'gpu',
  'kubelet-pods',
  'host-network',
  'prometheus-url',
  'ha',
  'remote-write',
  'remote-write-auth',
  'prometheus-operator',
  'prometheus-operator-labels',
  'scrape-config',
  'web-config',
]
/** Flags without a value, and the option each one switches on. */
const SWITCHES: Record<string, 'gpu' | 'kubeletPods' | 'hostNetwork' | 'ha' | 'prometheusOperator' | 'scrapeConfig' | 'webConfig'> = {
  'web-config': 'webConfig',
  gpu: 'gpu',
  'kubelet-pods': 'kubeletPods',
  'host-network': 'hostNetwork',
  ha: 'ha',
  'prometheus-operator': 'prometheusOperator',
  'scrape-config': 'scrapeConfig',
}
/** Flags whose value is a checked name (value()), and the option each one sets. */
const NAMES: Record<string, 'namespace' | 'image' | 'storageClass'> = {
  namespace: 'namespace',
  image: 'image',
  'storage-class': 'storageClass',
}
const ACCEPTED = FLAGS.map((f) => `--${f}`).join(', ')

export const MANIFESTS_HELP = `usage: odin-agent manifests [flags] | kubectl apply -f -

Prints the Kubernetes manifests of the odin stack: the agent DaemonSet, Prometheus with
the rules, Alertmanager, Grafana with the dashboards, Loki and a log shipper.

Flags:
  --namespace=<name>        Namespace of the stack; the agent runs in <name>${AGENT_NAMESPACE_SUFFIX}. (default: ${DEFAULT_OPTIONS.namespace})
  --image=<ref>             Agent image. (default: ghcr.io/odin-agent/odin-agent:<version>)
  --components=<list>       Comma-separated subset of ${COMPONENTS.join(',')}. (default: all)
  --storage-class=<name>    StorageClass of the Prometheus and Loki volumes. (default: the cluster's default)
  --gpu                     Add the GPU agent (nvidia runtime class, --collector.gpu) on nodes
                            labelled nvidia.com/gpu.present=true.
  --kubelet-pods            Let the agent read its node's kubelet /pods to name containers the
                            runtime files and log tree miss (RBAC: get nodes/pods; a projected
                            token; the cluster CA verifies the kubelet).
  --host-network            Run the agent in the node's network namespace (node_network_* of the
                            host as node_exporter reports them); drops the agent NetworkPolicy,
                            which cannot apply to host-network pods.
  --web-config              Serve the agent over TLS with basic auth (--web.config.file from
                            Secret odin-agent-web-config) and scrape it so; the commands that
                            create the two Secrets it reads are printed at the top.
  --prometheus-url=<url>    Grafana's Prometheus datasource points here, for --components
                            without prometheus (an existing Prometheus or Thanos Query).
  --ha                      Prometheus as a 2-replica StatefulSet (external label replica) with a
                            Thanos sidecar each, Thanos Query deduplicating on replica in front,
                            Grafana on Thanos Query, Alertmanager as a 2-peer cluster.
  --remote-write=<url>      Prometheus also ships every sample to this remote-write endpoint
                            (Thanos Receive, Mimir, VictoriaMetrics, Grafana Cloud).
  --remote-write-auth=<a>   bearer (token from Secret prometheus-remote-write, key token) or
                            basic:<username> (password from the same Secret, key password).
  --prometheus-operator     For a cluster running the Prometheus Operator (kube-prometheus-stack):
                            the agent with a PodMonitor, a PrometheusRule with every rule, and the
                            dashboards as ConfigMaps for Grafana's sidecar, in --namespace.
  --prometheus-operator-labels=<k=v,...>
                            Labels the operator's Prometheus selects PodMonitors and
                            PrometheusRules on, e.g. release=kube-prometheus-stack.
  --scrape-config           Print only the odin-agent scrape job for a Prometheus of your own.
`

type Parsed = { -readonly [K in keyof ManifestOptions]: ManifestOptions[K] } & { help: boolean }

function fail(flag: string, message: string): never {
  throw new ManifestsFlagError(`--${flag}: ${message}`)
}

function value(name: string, raw: string): string {
  const check: Record<string, [RegExp, number, string]> = {
    namespace: [DNS_LABEL, 63 - AGENT_NAMESPACE_SUFFIX.length, 'a DNS label: lower-case letters, digits and -'],
    'storage-class': [DNS_SUBDOMAIN, 253, 'a DNS subdomain: lower-case letters, digits, - and .'],
    image: [IMAGE_REF, 1024, 'an image reference such as registry/name:tag'],
  }
  const [re, max, what] = check[name] as [RegExp, number, string]
  if (!re.test(raw) || raw.length > max) {
    fail(name, `invalid value "${raw}" (accepted: ${what}, at most ${max} characters)`)
  }
  return raw
}

/** An http(s) URL without credentials: those come from a Secret, never from the manifests. */
function url(name: string, raw: string): string {
  let u: URL
  try {
    u = new URL(raw)
  } catch {
    fail(name, `invalid value "${raw}" (accepted: an http:// or https:// URL)`)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    fail(name, `invalid value "${raw}" (accepted: an http:// or https:// URL)`)
  }
  if (u.username !== '' || u.password !== '') {
    fail(name, 'the URL carries credentials (accepted: a URL without user:password@; use --remote-write-auth and a Secret)')
  }
  return raw
}

function remoteWriteAuth(raw: string): RemoteWriteAuth {
  if (raw === 'bearer') {
    return { kind: 'bearer' }
  }
  const username = raw.startsWith('basic:') ? raw.slice('basic:'.length) : undefined
  if (username === undefined || !USERNAME.test(username)) {
    fail('remote-write-auth', `invalid value "${raw}" (accepted: bearer or basic:<username>)`)
  }
  return { kind: 'basic', username }
}

function labels(raw: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')) {
    const eq = pair.indexOf('=')
    const k = eq === -1 ? pair : pair.slice(0, eq)
    const v = eq === -1 ? undefined : pair.slice(eq + 1)
    if (v === undefined || !LABEL_NAME.test(k) || k.length > 316 || !LABEL_VALUE.test(v) || v.length > 63) {
      fail('prometheus-operator-labels', `invalid label "${pair}" (accepted: key=value pairs separated by commas, Kubernetes label syntax)`)
    }
    out[k] = v
  }
  if (Object.keys(out).length === 0) {
    fail('prometheus-operator-labels', 'empty list (accepted: key=value pairs such as release=kube-prometheus-stack)')
  }
  return out
}

function components(raw: string): Component[] {
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (list.length === 0) {
    fail('components', `empty list (accepted: ${COMPONENTS.join(', ')})`)
  }
  for (const c of list) {
    if (!(COMPONENTS as readonly string[]).includes(c)) {
      fail('components', `unknown component "${c}" (accepted: ${COMPONENTS.join(', ')})`)
    }
  }
  return COMPONENTS.filter((c) => list.includes(c))
}

/** Flags that only make sense together, or not at all together; one line for the first conflict. */
function checkCombinations(out: Parsed, seen: ReadonlySet<string>): void {
  const has = (c: Component) => out.components.includes(c)
  if (out.scrapeConfig) {
    const other = [...seen].find((f) => f !== 'scrape-config' && f !== 'namespace')
    if (other !== undefined) {
      fail('scrape-config', `cannot be combined with --${other} (accepted with it: --namespace)`)
    }
    return
  }
  if (out.prometheusOperator) {
    const other = ['components', 'storage-class', 'prometheus-url', 'ha', 'remote-write', 'remote-write-auth', 'web-config'].find((f) => seen.has(f))
    if (other !== undefined) {
      fail('prometheus-operator', `cannot be combined with --${other} (the operator runs Prometheus, Alertmanager and Grafana)`)
    }
    return
  }
  if (seen.has('prometheus-operator-labels')) {
    fail('prometheus-operator-labels', 'needs --prometheus-operator')
  }
  if (seen.has('remote-write-auth') && out.remoteWrite === undefined) {
    fail('remote-write-auth', 'needs --remote-write=<url>')
  }
  for (const flag of ['ha', 'remote-write'] as const) {
    if (seen.has(flag) && !has('prometheus')) {
      fail(flag, 'needs the prometheus component in --components')
    }
  }
  if (out.prometheusUrl !== undefined && has('prometheus')) {
    fail('prometheus-url', 'names a Prometheus of your own, so leave prometheus out of --components')
  }
  if (out.prometheusUrl !== undefined && !has('grafana')) {
    fail('prometheus-url', "sets Grafana's datasource, so needs grafana in --components")
  }
  if (has('grafana') && !has('prometheus') && out.prometheusUrl === undefined) {
    fail('components', 'grafana without prometheus has no datasource (add --prometheus-url=<url of your Prometheus>)')
  }
}

/** Parses `manifests` flags (`--flag=value` or `--flag value`); throws ManifestsFlagError. */
export function parseManifestsArgs(argv: readonly string[]): Parsed {
  const out: Parsed = { ...DEFAULT_OPTIONS, help: false }
  const seen = new Set<string>()
  let auth: RemoteWriteAuth | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--help' || arg === '-h') {
      out.help = true
      continue
    }
    if (!arg.startsWith('--')) {
      throw new ManifestsFlagError(`unexpected argument "${arg}" (accepted flags: ${ACCEPTED})`)
    }
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    if (!FLAGS.includes(name)) {
      throw new ManifestsFlagError(`unknown flag --${name} (accepted: ${ACCEPTED})`)
    }
    seen.add(name)
    const key = SWITCHES[name]
    if (key !== undefined) {
      if (eq !== -1) {
        fail(name, `takes no value (accepted: --${name})`)
      }
      out[key] = true
      continue
    }
    let raw = eq === -1 ? argv[++i] : arg.slice(eq + 1)
    if (raw === undefined) {
      fail(name, 'missing value')
    }
    raw = raw.trim()
    const option = NAMES[name]
    if (option !== undefined) {
      out[option] = value(name, raw)
      continue
    }
    switch (name) {
      case 'components':
        out.components = components(raw)
        break
      case 'prometheus-url':
        out.prometheusUrl = url(name, raw)
        break
      case 'remote-write':
        out.remoteWrite = { url: url(name, raw) }
        break
      case 'remote-write-auth':
        auth = remoteWriteAuth(raw)
        break
      default:
        out.prometheusOperatorLabels = labels(raw)
    }
  }
  if (out.remoteWrite !== undefined && auth !== undefined) {
    out.remoteWrite = { ...out.remoteWrite, auth }
  }
  checkCombinations(out, seen)
  return out
}
