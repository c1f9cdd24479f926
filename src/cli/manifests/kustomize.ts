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
  patches?: { path: string; target?: PatchTarget }[]
  images?: { name: string; newName?: string; newTag?: string }[]
  generatorOptions?: { disableNameSuffixHash?: boolean; labels?: Record<string, string> }
  configMapGenerator?: { name: string; files?: string[] }[]
}

/** Which objects a JSON 6902 patch applies to (kustomize's `target`, the fields the stack uses). */
interface PatchTarget {
  kind?: string
  name?: string
  /** `key=value[,key=value]` */
  labelSelector?: string
}

/** The kustomization fields this reader understands; anything else is refused, not ignored. */
const KNOWN_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'components', 'patches', 'images', 'generatorOptions', 'configMapGenerator'])

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

/** A merge patch (objects named inside it), or with `target` a list of JSON 6902 operations. */
function applyPatchFile(assets: AssetSource, objects: K8sObject[], dir: string, p: { path: string; target?: PatchTarget }): void {
  const path = posix.join(dir, p.path)
  if (p.target === undefined) {
    for (const patch of parseObjects(assets.read(path), path)) {
      applyPatch(objects, patch, path)
    }
    return
  }
  let ops: unknown
  try {
    ops = parse(assets.read(path))
  } catch (err) {
    throw new KustomizationError(`couldn't parse ${path}: ${(err as Error).message}`, { cause: err })
  }
  if (!Array.isArray(ops)) {
    throw new KustomizationError(`${path}: a patch with a target must be a list of JSON 6902 operations`)
  }
  const targets = objects.filter((o) => matchesTarget(o, p.target as PatchTarget))
  if (targets.length === 0) {
    throw new KustomizationError(`${path}: no object matches its target`)
  }
  for (const obj of targets) {
    for (const op of ops) {
      applyJson6902(obj, op, path)
    }
  }
}

function matchesTarget(obj: K8sObject, t: PatchTarget): boolean {
  if (t.kind !== undefined && obj.kind !== t.kind) return false
  if (t.name !== undefined && obj.metadata.name !== t.name) return false
  for (const term of t.labelSelector?.split(',') ?? []) {
    const [key, value] = term.split('=').map((x) => x.trim())
    if (key === undefined || value === undefined || obj.metadata.labels?.[key] !== value) return false
  }
  return true
}

/** RFC 6902 `add` and `replace` (the stack's patches use no other); `-` appends to a list. */
function applyJson6902(obj: K8sObject, op: unknown, path: string): void {
  const o = op as { op?: unknown; path?: unknown; value?: unknown }
  if ((o.op !== 'add' && o.op !== 'replace') || typeof o.path !== 'string' || !o.path.startsWith('/') || !('value' in o)) {
    throw new KustomizationError(`${path}: only add and replace operations with a path and a value are supported`)
  }
  const keys = o.path
    .slice(1)
    .split('/')
    .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'))
  const last = keys.pop() as string
  let parent: unknown = obj
  for (const key of keys) {
    parent = Array.isArray(parent) ? parent[Number(key)] : (parent as Record<string, unknown> | undefined)?.[key]
    if (parent === null || typeof parent !== 'object') {
      throw new KustomizationError(`${path}: ${o.path} does not exist in ${obj.kind} ${obj.metadata.name}`)
    }
  }
  const value = structuredClone(o.value)
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last)
    if (!Number.isInteger(i) || i < 0 || i > parent.length || (o.op === 'replace' && i >= parent.length)) {
      throw new KustomizationError(`${path}: ${o.path} is not an index of the list`)
    }
    if (o.op === 'add') parent.splice(i, 0, value)
    else parent[i] = value
    return
  }
  const map = parent as Record<string, unknown>
  if (o.op === 'replace' && !(last in map)) {
    throw new KustomizationError(`${path}: ${o.path} does not exist in ${obj.kind} ${obj.metadata.name}`)
  }
  map[last] = value
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
 * name hashes, and patches with a target as JSON 6902 add/replace operations. Unknown
 * fields throw, so the two renderings cannot drift apart silently.
 */
export function buildKustomization(assets: AssetSource, dir: string, extraComponents: readonly string[] = []): K8sObject[] {
  const k = readKustomization(assets, dir)
  const objects: K8sObject[] = []
  for (const r of k.resources ?? []) {
    const path = posix.normalize(posix.join(dir, r))
    objects.push(...(isKustomizationDir(assets, path) ? buildKustomization(assets, path) : parseObjects(assets.read(path), path)))
  }
  objects.push(...generate(assets, dir, k))
  // Extra components (asset paths) as if the kustomization listed them last: `manifests --kubelet-pods`.
  for (const cdir of [...(k.components ?? []).map((c) => posix.normalize(posix.join(dir, c))), ...extraComponents]) {
    const comp = readKustomization(assets, cdir)
    if (comp.kind !== 'Component') {
      throw new KustomizationError(`${cdir}/kustomization.yaml is not a Component`)
    }
    for (const r of comp.resources ?? []) {
      const path = posix.join(cdir, r)
      objects.push(...parseObjects(assets.read(path), path))
    }
    for (const p of comp.patches ?? []) {
      applyPatchFile(assets, objects, cdir, p)
    }
    applyImages(objects, comp.images ?? [])
  }
  for (const p of k.patches ?? []) {
    applyPatchFile(assets, objects, dir, p)
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
