import { posix } from 'node:path'
import { parse, parseAllDocuments } from 'yaml'
import type { AssetSource } from '../../assets/asset-source.ts'

/** A Kubernetes object as plain data. */
export interface K8sObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [k: string]: unknown }
  [k: string]: unknown
}

interface Kustomization {
  apiVersion?: string
  kind?: string
  namespace?: string
  resources?: string[]
  components?: string[]
  patches?: { path: string }[]
  images?: { name: string; newName?: string; newTag?: string }[]
  generatorOptions?: { disableNameSuffixHash?: boolean; labels?: Record<string, string> }
  configMapGenerator?: { name: string; files?: string[] }[]
}

/** The kustomization fields this reader understands; anything else is refused, not ignored. */
const KNOWN_FIELDS = new Set([
  'apiVersion',
  'kind',
  'namespace',
  'resources',
  'components',
  'patches',
  'images',
  'generatorOptions',
  'configMapGenerator',
])

export class KustomizationError extends Error {
  override readonly name = 'KustomizationError'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
  }
}

/** Kinds that live outside namespaces, among those the stack uses. */
export const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'RuntimeClass', 'StorageClass'])

function readKustomization(assets: AssetSource, dir: string): Kustomization {
  const path = posix.join(dir, 'kustomization.yaml')
  let k: unknown
  try {
    k = parse(assets.read(path))
  } catch (err) {
    throw new KustomizationError(`couldn't read ${path}: ${(err as Error).message}`, { cause: err })
  }
  if (k === null || typeof k !== 'object' || Array.isArray(k)) {
    throw new KustomizationError(`${path} is not a mapping`)
  }
  for (const field of Object.keys(k)) {
    if (!KNOWN_FIELDS.has(field)) {
      throw new KustomizationError(`${path}: field "${field}" is not supported by odin-agent manifests`)
    }
  }
  return k as Kustomization
}

function isKustomizationDir(assets: AssetSource, path: string): boolean {
  const folder = path.split('/')[0] as 'rules' | 'dashboards' | 'k8s'
  return assets.list(folder).includes(posix.join(path, 'kustomization.yaml'))
}

function parseObjects(text: string, path: string): K8sObject[] {
  const out: K8sObject[] = []
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) {
      throw new KustomizationError(`couldn't parse ${path}: ${doc.errors[0]?.message}`)
    }
    const obj = doc.toJS() as K8sObject | null
    if (obj === null) {
      continue
    }
    if (typeof obj.kind !== 'string' || typeof obj.metadata?.name !== 'string') {
      throw new KustomizationError(`${path}: a document lacks kind or metadata.name`)
    }
    out.push(obj)
  }
  return out
}

/** Maps merge key by key; anything else in the patch replaces. Enough for our patches. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) {
    return patch
  }
  if (target === null || typeof target !== 'object' || Array.isArray(target)) {
    return patch
  }
  const out: Record<string, unknown> = { ...(target as Record<string, unknown>) }
  for (const [key, value] of Object.entries(patch)) {
    out[key] = mergePatch(out[key], value)
  }
  return out
}

function applyPatch(objects: K8sObject[], patch: K8sObject, path: string): void {
  const i = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name)
  if (i === -1) {
    throw new KustomizationError(`${path}: no ${patch.kind} ${patch.metadata.name} to patch`)
  }
  objects[i] = mergePatch(objects[i], patch) as K8sObject
}

interface PodSpecLike {
  containers?: { image?: string }[]
  initContainers?: { image?: string }[]
}

/** The pod spec inside a workload object, if it has one. */
export function podSpecOf(obj: K8sObject): PodSpecLike | undefined {
  const spec = obj.spec as { template?: { spec?: PodSpecLike } } | undefined
  return spec?.template?.spec
}

function imageName(image: string): string {
  const at = image.indexOf('@')
  const ref = at === -1 ? image : image.slice(0, at)
  const colon = ref.lastIndexOf(':')
  return colon > ref.lastIndexOf('/') ? ref.slice(0, colon) : ref
}

function applyImages(objects: K8sObject[], images: NonNullable<Kustomization['images']>): void {
  for (const obj of objects) {
    const pod = podSpecOf(obj)
    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      const rule = images.find((r) => c.image !== undefined && imageName(c.image) === r.name)
      if (rule && c.image !== undefined) {
        c.image = `${rule.newName ?? rule.name}${rule.newTag ? `:${rule.newTag}` : ''}`
      }
    }
  }
}

function generate(assets: AssetSource, dir: string, k: Kustomization): K8sObject[] {
  const out: K8sObject[] = []
  for (const gen of k.configMapGenerator ?? []) {
    if (k.generatorOptions?.disableNameSuffixHash !== true) {
      throw new KustomizationError(`${dir}/kustomization.yaml: configMapGenerator needs generatorOptions.disableNameSuffixHash`)
    }
    const data: Record<string, string> = {}
    for (const file of gen.files ?? []) {
      if (file.includes('=')) {
        throw new KustomizationError(`${dir}/kustomization.yaml: key=path file sources are not supported`)
      }
      data[posix.basename(file)] = assets.read(posix.join(dir, file))
    }
    const labels = k.generatorOptions.labels
    out.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: gen.name, ...(labels ? { labels: { ...labels } } : {}) },
      data,
    })
  }
  return out
}

/**
 * Builds a kustomization from the embedded assets the way `kubectl kustomize` does, for
 * the subset of kustomize the stack uses: resources (files and directories),
 * components, patches that merge maps, images, namespace and configMapGenerator without
 * name hashes. Unknown fields throw, so the two renderings cannot drift apart silently.
 */
export function buildKustomization(assets: AssetSource, dir: string): K8sObject[] {
  const k = readKustomization(assets, dir)
  const objects: K8sObject[] = []
  for (const r of k.resources ?? []) {
    const path = posix.normalize(posix.join(dir, r))
    objects.push(...(isKustomizationDir(assets, path) ? buildKustomization(assets, path) : parseObjects(assets.read(path), path)))
  }
  objects.push(...generate(assets, dir, k))
  for (const c of k.components ?? []) {
    const cdir = posix.normalize(posix.join(dir, c))
    const comp = readKustomization(assets, cdir)
    if (comp.kind !== 'Component') {
      throw new KustomizationError(`${cdir}/kustomization.yaml is not a Component`)
    }
    for (const r of comp.resources ?? []) {
      const path = posix.join(cdir, r)
      objects.push(...parseObjects(assets.read(path), path))
    }
    for (const p of comp.patches ?? []) {
      const path = posix.join(cdir, p.path)
      for (const patch of parseObjects(assets.read(path), path)) {
        applyPatch(objects, patch, path)
      }
    }
    applyImages(objects, comp.images ?? [])
  }
  for (const p of k.patches ?? []) {
    const path = posix.join(dir, p.path)
    for (const patch of parseObjects(assets.read(path), path)) {
      applyPatch(objects, patch, path)
    }
  }
  if (k.namespace !== undefined) {
    for (const obj of objects) {
      if (!CLUSTER_SCOPED.has(obj.kind)) {
        obj.metadata.namespace = k.namespace
      }
    }
  }
  applyImages(objects, k.images ?? [])
  return objects
}
