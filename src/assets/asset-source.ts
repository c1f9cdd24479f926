import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative, sep } from 'node:path'

/** The folders that travel inside the binary: rules, dashboards and the kustomize base. */
export type AssetFolder = 'rules' | 'dashboards' | 'k8s'
export const ASSET_FOLDERS: readonly AssetFolder[] = ['rules', 'dashboards', 'k8s']

/**
 * Read access to the embedded source files. Paths are relative to the repository root and
 * use forward slashes (`rules/node.yml`, `k8s/agent/daemonset.yaml`).
 */
export interface AssetSource {
  /** Every file under the folder, recursively, sorted. */
  list(prefix: AssetFolder): string[]
  /** The file's text; throws AssetNotFoundError when it is not there. */
  read(path: string): string
}

export class AssetNotFoundError extends Error {
  override readonly name = 'AssetNotFoundError'
  constructor(path: string, where: string, options?: { cause?: unknown }) {
    super(`asset ${path} not found in ${where}`, options)
  }
}

/** Turns any spelling of an asset path into `folder/rest`, or undefined when it is none. */
export function normaliseAssetPath(name: string): string | undefined {
  const parts = name
    .replaceAll('\\', '/')
    .split('/')
    .filter((p) => p !== '' && p !== '.')
  const at = parts.findIndex((p) => (ASSET_FOLDERS as readonly string[]).includes(p))
  if (at === -1 || at === parts.length - 1 || parts.slice(at).includes('..')) {
    return undefined
  }
  return parts.slice(at).join('/')
}

/** A source backed by a plain map; what both the disk and the embedded sources build. */
export function mapAssetSource(files: ReadonlyMap<string, string>, where: string): AssetSource {
  const sorted = [...files.keys()].sort()
  return {
    list: (prefix) => sorted.filter((p) => p.startsWith(`${prefix}/`)),
    read: (path) => {
      const text = files.get(normaliseAssetPath(path) ?? path)
      if (text === undefined) {
        throw new AssetNotFoundError(path, where)
      }
      return text
    },
  }
}

/** Reads rules/, dashboards/ and k8s/ from a checkout (tests, `bun src/main.ts`). */
export function diskAssetSource(repoRoot: string): AssetSource {
  const walk = (dir: string): string[] => {
    let names: string[]
    try {
      names = readdirSync(dir)
    } catch {
      return []
    }
    return names.flatMap((name) => {
      const p = join(dir, name)
      return statSync(p).isDirectory() ? walk(p) : [relative(repoRoot, p).split(sep).join('/')]
    })
  }
  const all = new Set(ASSET_FOLDERS.flatMap((f) => walk(join(repoRoot, f))))
  const sorted = [...all].sort()
  return {
    list: (prefix) => sorted.filter((p) => p.startsWith(`${prefix}/`)),
    read: (path) => {
      const rel = normaliseAssetPath(path)
      if (rel === undefined || !all.has(rel)) {
        throw new AssetNotFoundError(path, repoRoot)
      }
      return readFileSync(join(repoRoot, rel), 'utf8')
    },
  }
}
