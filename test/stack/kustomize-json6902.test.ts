import { describe, expect, test } from 'vitest'
import { mapAssetSource } from '../../src/assets/asset-source.ts'
import { buildKustomization } from '../../src/cli/manifests/kustomize.ts'

// The embedded kustomize reader's JSON 6902 patches (k8s/components/kubelet-pods uses them);
// `kubectl kustomize k8s/kubelet-pods` is compared with the command in manifests.test.ts.
const DS = `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: a, labels: {app: x}}
spec: {template: {spec: {containers: [{name: c, args: [--one]}]}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: b, labels: {app: y}}
spec: {template: {spec: {containers: [{name: c, args: [--one]}]}}}
`
function build(ops: string, target = '{kind: DaemonSet, labelSelector: app=x}') {
  const files = new Map([
    ['k8s/kustomization.yaml', `resources: [ds.yaml]\npatches:\n  - path: p.yaml\n    target: ${target}\n`],
    ['k8s/ds.yaml', DS],
    ['k8s/p.yaml', ops],
  ])
  return buildKustomization(mapAssetSource(files, 'test'), 'k8s')
}
const args = (o: { spec?: unknown }) => (o.spec as { template: { spec: { containers: { args: string[] }[] } } }).template.spec.containers[0]?.args

describe('JSON 6902 patches with a target', () => {
  test('add appends with - and inserts at an index; replace replaces; only the targets change', () => {
    const [a, b] = build(
      '- {op: add, path: /spec/template/spec/containers/0/args/-, value: --two}\n- {op: add, path: /spec/template/spec/containers/0/args/0, value: --zero}\n- {op: replace, path: /metadata/name, value: a2}\n',
    )
    expect(args(a as { spec?: unknown })).toEqual(['--zero', '--one', '--two'])
    expect(a?.metadata.name).toBe('a2')
    expect(args(b as { spec?: unknown })).toEqual(['--one'])
  })

  test.each([
    ['a merge patch where operations are expected', 'kind: DaemonSet\nmetadata: {name: a}\n', /must be a list of JSON 6902 operations/],
    ['remove (unsupported)', '- {op: remove, path: /spec}\n', /only add and replace/],
    ['a missing parent', '- {op: add, path: /spec/nope/x, value: 1}\n', /does not exist/],
    ['an index out of range', '- {op: add, path: /spec/template/spec/containers/0/args/5, value: x}\n', /not an index/],
    ['replace of a missing key', '- {op: replace, path: /spec/nope, value: 1}\n', /does not exist/],
  ])('refuses %s', (_n, ops, message) => {
    expect(() => build(ops)).toThrowError(message)
  })

  test('refuses a target nothing matches', () => {
    expect(() => build('- {op: add, path: /x, value: 1}\n', '{kind: DaemonSet, labelSelector: app=z}')).toThrowError(/no object matches/)
  })
})
