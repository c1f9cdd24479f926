import type { HostFS } from '../platform/host-fs.ts'
import { MAX_IDENTITY_FILE_BYTES, parseDockerConfig, parseKubeletLogLink, parseOciAnnotations, parsePodmanContainers } from '../procfs/container-identity.ts'
import type { ContainerIdentity, KubeletLogLink } from '../procfs/container-identity.ts'
import type { KubeletPods } from '../procfs/kubelet-pods.ts'
import type { RuntimeHint } from '../procfs/cgroup-path.ts'
import type { ContainerClass } from './cgroup-walk.ts'

/** A container whose identity some tier resolved. */
export interface Resolved {
  readonly namespace: string
  readonly pod: string
  readonly podUid: string
  readonly container: string
  /** "unknown" when only the log tree named it (the mixin's image!="" keeps the series). */
  readonly image: string
  readonly name: string
  readonly sandbox: boolean
  readonly runtime: string
  readonly restarts: number | undefined
}

interface RuntimeFile {
  readonly runtime: RuntimeHint
  readonly path: (fs: HostFS, id: string) => string
  readonly parse: (text: string, id: string) => ContainerIdentity | undefined
}

/** containers/storage's per-driver registries of a rootful podman host (overlay is the default driver). */
const PODMAN_DRIVERS = ['overlay', 'vfs', 'btrfs']

/** Where each runtime keeps a container's identity under --path.rootfs. */
const RUNTIME_FILES: readonly RuntimeFile[] = [
  { runtime: 'containerd', path: (fs, id) => fs.root('run', 'containerd', 'io.containerd.runtime.v2.task', 'k8s.io', id, 'config.json'), parse: parseOciAnnotations },
  { runtime: 'crio', path: (fs, id) => fs.root('run', 'containers', 'storage', 'overlay-containers', id, 'userdata', 'config.json'), parse: parseOciAnnotations },
  { runtime: 'docker', path: (fs, id) => fs.root('var', 'lib', 'docker', 'containers', id, 'config.v2.json'), parse: parseDockerConfig },
  ...PODMAN_DRIVERS.map(
    (driver): RuntimeFile => ({
      runtime: 'podman',
      path: (fs) => fs.root('var', 'lib', 'containers', 'storage', `${driver}-containers`, 'containers.json'),
      parse: parsePodmanContainers,
    }),
  ),
]

/** How long a container with no runtime file waits before the files are looked for again. */
const MISS_RETRY_MS = 60_000

/**
 * Identity without the Kubernetes API, each tier failing soft: the cgroup path (pod UID,
 * QoS, container ID), the runtime's file under --path.rootfs (names, image, sandbox flag;
 * read once per container ID), and the kubelet's log tree (names, restart count; one
 * readdir per tick plus one readlink per new link). An unreadable or malformed file, a
 * link loop or a truncated link name costs only that container's identity.
 */
export class IdentityResolver {
  private readonly runtimeFiles = new Map<string, { identity: (ContainerIdentity & { runtime: RuntimeHint }) | undefined; at: number }>()
  private readonly links = new Map<string, KubeletLogLink | undefined>()
  private byId = new Map<string, KubeletLogLink>()

  /** Reads var/log/containers once for this tick: new links are read, gone ones forgotten. */
  async refreshLogTree(fs: HostFS): Promise<void> {
    const dir = fs.root('var', 'log', 'containers')
    let names: string[]
    try {
      names = await fs.readdir(dir)
    } catch {
      names = []
    }
    const present = new Set(names)
    for (const name of this.links.keys()) if (!present.has(name)) this.links.delete(name)
    const byId = new Map<string, KubeletLogLink>()
    for (const name of names) {
      if (!name.endsWith('.log')) continue
      let link = this.links.get(name)
      if (!this.links.has(name)) {
        const target = await fs.readlink(`${dir}/${name}`).catch(() => '')
        link = parseKubeletLogLink(name, target)
        this.links.set(name, link)
      }
      if (link !== undefined) byId.set(link.containerId, link)
    }
    this.byId = byId
  }

  private async runtimeFile(fs: HostFS, cls: ContainerClass, now: number): Promise<(ContainerIdentity & { runtime: RuntimeHint }) | undefined> {
    const cached = this.runtimeFiles.get(cls.containerId)
    if (cached && (cached.identity !== undefined || now - cached.at < MISS_RETRY_MS)) return cached.identity
    const candidates = cls.runtime === undefined ? RUNTIME_FILES : RUNTIME_FILES.filter((r) => r.runtime === cls.runtime)
    let identity: (ContainerIdentity & { runtime: RuntimeHint }) | undefined
    for (const r of candidates) {
      const text = await readSmall(fs, r.path(fs, cls.containerId))
      const parsed = text === undefined ? undefined : r.parse(text, cls.containerId)
      if (parsed !== undefined) {
        identity = { ...parsed, runtime: r.runtime }
        break
      }
    }
    this.runtimeFiles.set(cls.containerId, { identity, at: now })
    return identity
  }

  /** Drops cached runtime files of containers no longer present. */
  retain(ids: ReadonlySet<string>): void {
    for (const id of this.runtimeFiles.keys()) if (!ids.has(id)) this.runtimeFiles.delete(id)
  }

  /**
   * `kubelet` is the opt-in fourth tier's last pod list (--collector.containers.kubelet-url):
   * it names containers the files miss and gives the image where only the log tree named one.
   */
  async resolve(fs: HostFS, cls: ContainerClass, now: number, kubelet?: KubeletPods): Promise<Resolved | undefined> {
    const file = await this.runtimeFile(fs, cls, now)
    const link = this.byId.get(cls.containerId)
    const runtime = file?.runtime ?? cls.runtime ?? 'unknown'
    if (cls.podUid === undefined) {
      // A bare Docker or podman container: its runtime file names it.
      if (file?.name === undefined) return undefined
      return { namespace: '', pod: '', podUid: '', container: '', image: file.image ?? 'unknown', name: file.name, sandbox: false, runtime, restarts: undefined }
    }
    const api = kubelet?.containers.get(cls.containerId)
    const fromApi = api !== undefined && api.podUid === cls.podUid ? api : undefined
    const namespace = file?.namespace ?? link?.namespace ?? fromApi?.namespace
    const pod = file?.pod ?? link?.pod ?? fromApi?.pod
    if (namespace === undefined || pod === undefined) return undefined
    const sandbox = file?.sandbox ?? false
    const container = file?.container ?? link?.container ?? fromApi?.container
    if (!sandbox && container === undefined) return undefined
    return {
      namespace,
      pod,
      podUid: cls.podUid,
      container: container ?? '',
      image: file?.image ?? (fromApi?.image || undefined) ?? 'unknown',
      name: file?.name ?? cls.containerId,
      sandbox,
      runtime,
      restarts: link?.restarts ?? fromApi?.restarts,
    }
  }
}

/** A runtime file's text, undefined when absent, unreadable or oversized (never an error). */
async function readSmall(fs: HostFS, path: string): Promise<string | undefined> {
  try {
    const text = await fs.readFile(path)
    return text.length > MAX_IDENTITY_FILE_BYTES ? undefined : text
  } catch {
    return undefined
  }
}
