import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'

/** ../shared/peer/cadvisor beside the repository (read in tests, never copied into the project). */
export const PEER_CADVISOR = join(import.meta.dirname, '..', '..', '..', 'shared', 'peer', 'cadvisor')
export const HAVE_PEER = existsSync(PEER_CADVISOR)
if (!HAVE_PEER) {
  console.warn(`cAdvisor peer fixtures not found at ${PEER_CADVISOR}: their tests are skipped`)
}

/** One container's identity as the runtime and the kubelet leave it on disk. */
export interface PodContainer {
  readonly id: string
  readonly namespace: string
  readonly pod: string
  readonly uid: string
  readonly container: string
  readonly image?: string
  /** Which runtime file to write: containerd's config.json, Docker's config.v2.json, or none. */
  readonly runtime?: 'containerd' | 'docker' | 'none'
  readonly sandbox?: boolean
  /** Write the kubelet log link with this restart count. */
  readonly restarts?: number
}

/** A temporary directory tree; `dispose` removes it. */
export class TempTree {
  readonly root = mkdtempSync(join(tmpdir(), 'odin-containers-'))
  file(path: string, content: string): this {
    mkdirSync(dirname(join(this.root, path)), { recursive: true })
    writeFileSync(join(this.root, path), content)
    return this
  }
  dir(path: string): this {
    mkdirSync(join(this.root, path), { recursive: true })
    return this
  }
  link(path: string, target: string): this {
    mkdirSync(dirname(join(this.root, path)), { recursive: true })
    symlinkSync(target, join(this.root, path))
    return this
  }
  /** Copies a directory's files (a peer fixture) to `path`. */
  copy(from: string, path: string): this {
    cpSync(from, join(this.root, path), { recursive: true })
    return this
  }
  path(...parts: string[]): string {
    return join(this.root, ...parts)
  }
  dispose(): void {
    rmSync(this.root, { recursive: true, force: true })
  }
}

/** Writes a container's runtime file and kubelet log link under a rootfs tree. */
export function writeIdentity(root: TempTree, c: PodContainer): void {
  const runtime = c.runtime ?? 'containerd'
  if (runtime === 'containerd') {
    const annotations: Record<string, string> = c.sandbox
      ? {
          'io.kubernetes.cri.container-type': 'sandbox',
          'io.kubernetes.cri.sandbox-name': c.pod,
          'io.kubernetes.cri.sandbox-namespace': c.namespace,
          'io.kubernetes.cri.sandbox-uid': c.uid,
          'io.kubernetes.cri.podsandbox.image-name': c.image ?? 'registry.k8s.io/pause:3.10',
        }
      : {
          'io.kubernetes.cri.container-type': 'container',
          'io.kubernetes.cri.container-name': c.container,
          'io.kubernetes.cri.sandbox-name': c.pod,
          'io.kubernetes.cri.sandbox-namespace': c.namespace,
          'io.kubernetes.cri.sandbox-uid': c.uid,
          ...(c.image ? { 'io.kubernetes.cri.image-name': c.image } : {}),
        }
    root.file(
      `run/containerd/io.containerd.runtime.v2.task/k8s.io/${c.id}/config.json`,
      JSON.stringify({ ociVersion: '1.1.0', process: { env: ['PATH=/usr/bin', 'DB_PASSWORD=s3cr3t-never-exported'] }, annotations }),
    )
  } else if (runtime === 'docker') {
    root.file(
      `var/lib/docker/containers/${c.id}/config.v2.json`,
      JSON.stringify({
        ID: c.id,
        Name: `/k8s_${c.container}_${c.pod}_${c.namespace}_${c.uid}_${c.restarts ?? 0}`,
        Config: {
          Image: c.image,
          Env: ['DB_PASSWORD=s3cr3t-never-exported'],
          Labels: { 'io.kubernetes.container.name': c.container, 'io.kubernetes.pod.name': c.pod, 'io.kubernetes.pod.namespace': c.namespace, 'io.kubernetes.pod.uid': c.uid },
        },
      }),
    )
  }
  if (c.restarts !== undefined && !c.sandbox) {
    root.link(`var/log/containers/${c.pod}_${c.namespace}_${c.container}-${c.id}.log`, `/var/log/pods/${c.namespace}_${c.pod}_${c.uid}/${c.container}/${c.restarts}.log`)
  }
}
