import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { AssetNotFoundError, diskAssetSource, mapAssetSource, normaliseAssetPath } from '../assets/asset-source.ts'
import type { AssetSource } from '../assets/asset-source.ts'

/** Where `bun build --compile` mounts embedded files inside the binary. */
const BUNFS_ROOTS = ['/$bunfs/root', 'B:/~BUN/root']

export class NoEmbeddedAssetsError extends Error {
  override readonly name = 'NoEmbeddedAssetsError'
}

function readEmbedded(name: string): string {
  let last: unknown
  for (const root of [import.meta.dir, ...BUNFS_ROOTS]) {
    try {
      return readFileSync(join(root, name), 'utf8')
    } catch (err) {
      last = err
    }
  }
  throw new AssetNotFoundError(name, 'the binary', { cause: last })
}

/**
 * The rules, dashboards and kustomize base compiled into the binary. They must be passed
 * to `bun build --compile` with `--asset <folder>`: passed as extra entrypoints instead,
 * .yml and .json files are bundled as modules and Bun.embeddedFiles stays empty
 * (measured with bun 1.4.5). `Bun.embeddedFiles` names them by path relative to the
 * project root (`rules/node.yml`); names are normalised so a `./` prefix or a bunfs root
 * in front does not matter. Everything is read once, up front. Run from source, the
 * checkout's own folders stand in.
 */
export function embeddedAssetSource(): AssetSource {
  const files = new Map<string, string>()
  for (const blob of Bun.embeddedFiles) {
    const name = 'name' in blob && typeof blob.name === 'string' ? blob.name : ''
    const rel = normaliseAssetPath(name)
    if (rel !== undefined) {
      files.set(rel, readEmbedded(name))
    }
  }
  if (files.size === 0) {
    // `bun src/main.ts manifests` in a checkout: the files are beside the sources.
    const checkout = resolve(import.meta.dir, '..', '..')
    if (!BUNFS_ROOTS.some((r) => import.meta.dir.startsWith(r)) && existsSync(join(checkout, 'k8s', 'kustomization.yaml'))) {
      return diskAssetSource(checkout)
    }
    throw new NoEmbeddedAssetsError('no rules, dashboards or manifests are embedded in this binary (scripts/build.mjs must pass --asset rules --asset dashboards --asset k8s)')
  }
  return mapAssetSource(files, 'the binary')
}
