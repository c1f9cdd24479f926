import { AGENT_NAMESPACE_SUFFIX, COMPONENTS, DEFAULT_OPTIONS } from './render.ts'
import type { Component, ManifestOptions } from './render.ts'

export class ManifestsFlagError extends Error {
  override readonly name = 'ManifestsFlagError'
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/
const IMAGE_REF = /^[A-Za-z0-9][A-Za-z0-9._\-/:@]*$/

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
  --host-network            Run the agent in the node's network namespace (node_network_* of the
                            host as node_exporter reports them); drops the agent NetworkPolicy,
                            which cannot apply to host-network pods.
  --web-config              Serve the agent over TLS with basic auth (--web.config.file from
                            Secret odin-agent-web-config) and scrape it so; the commands that
                            create the two Secrets it reads are printed at the top.
`

type Parsed = { -readonly [K in keyof ManifestOptions]: ManifestOptions[K] } & { help: boolean }

function value(name: string, raw: string): string {
  const check: Record<string, [RegExp, number, string]> = {
    namespace: [DNS_LABEL, 63 - AGENT_NAMESPACE_SUFFIX.length, 'a DNS label: lower-case letters, digits and -'],
    'storage-class': [DNS_SUBDOMAIN, 253, 'a DNS subdomain: lower-case letters, digits, - and .'],
    image: [IMAGE_REF, 1024, 'an image reference such as registry/name:tag'],
  }
  const [re, max, what] = check[name] as [RegExp, number, string]
  if (!re.test(raw) || raw.length > max) {
    throw new ManifestsFlagError(`--${name}: invalid value "${raw}" (accepted: ${what}, at most ${max} characters)`)
  }
  return raw
}

function components(raw: string): Component[] {
  const list = raw.split(',').map((s) => s.trim()).filter((s) => s !== '')
  if (list.length === 0) {
    throw new ManifestsFlagError(`--components: empty list (accepted: ${COMPONENTS.join(', ')})`)
  }
  for (const c of list) {
    if (!(COMPONENTS as readonly string[]).includes(c)) {
      throw new ManifestsFlagError(`--components: unknown component "${c}" (accepted: ${COMPONENTS.join(', ')})`)
    }
  }
  return COMPONENTS.filter((c) => list.includes(c))
}

/** Parses `manifests` flags (`--flag=value` or `--flag value`); throws ManifestsFlagError. */
export function parseManifestsArgs(argv: readonly string[]): Parsed {
  const out: Parsed = { ...DEFAULT_OPTIONS, help: false }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (arg === '--help' || arg === '-h') {
      out.help = true
      continue
    }
    if (!arg.startsWith('--')) {
      throw new ManifestsFlagError(`unexpected argument "${arg}" (accepted flags: --namespace, --image, --components, --storage-class, --gpu, --host-network)`)
    }
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq)
    if (name === 'web-config') {
      if (eq !== -1) {
        throw new ManifestsFlagError('--web-config: takes no value (accepted: --web-config)')
      }
      out.webConfig = true
      continue
    }
    if (name === 'gpu' || name === 'host-network') {
      if (eq !== -1) {
        throw new ManifestsFlagError(`--${name}: takes no value (accepted: --${name})`)
      }
      out[name === 'gpu' ? 'gpu' : 'hostNetwork'] = true
      continue
    }
    if (!['namespace', 'image', 'components', 'storage-class'].includes(name)) {
      throw new ManifestsFlagError(`unknown flag --${name} (accepted: --namespace, --image, --components, --storage-class, --gpu, --host-network, --web-config)`)
    }
    let raw = eq === -1 ? argv[++i] : arg.slice(eq + 1)
    if (raw === undefined) {
      throw new ManifestsFlagError(`--${name}: missing value`)
    }
    raw = raw.trim()
    if (name === 'components') {
      out.components = components(raw)
    } else if (name === 'namespace') {
      out.namespace = value(name, raw)
    } else if (name === 'image') {
      out.image = value(name, raw)
    } else {
      out.storageClass = value(name, raw)
    }
  }
  return out
}
