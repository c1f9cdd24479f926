// The objects `odin-agent manifests` prints for the checkout's assets, parsed, and a lookup
// by kind and name: the setup the manifests tests share.
import { expect } from 'vitest'
import { parseAllDocuments } from 'yaml'
import { diskAssetSource } from '../../src/assets/asset-source.ts'
import type { K8sObject } from '../../src/cli/manifests/kustomize.ts'
import { renderManifests } from '../../src/cli/manifests/render.ts'
import type { ManifestOptions } from '../../src/cli/manifests/render.ts'
import { repoRoot } from './stack-files.ts'

export const assets = diskAssetSource(repoRoot)

/** The rendered YAML stream as objects; every document parses without error. */
export function docs(options: ManifestOptions): K8sObject[] {
  return parseAllDocuments(renderManifests(assets, options)).map((d) => {
    expect(d.errors).toEqual([])
    return d.toJS() as K8sObject
  })
}

/** The object of `kind` named `name`; throws if there is none. */
export function find(objs: K8sObject[], kind: string, name: string): K8sObject {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name)
  if (!o) {
    throw new Error(`no ${kind} ${name}`)
  }
  return o
}
