import { describe, expect, it } from 'vitest'
import { parseKubeletPods } from './kubelet-pods.ts'

const POD = {
  metadata: { name: 'web-0', namespace: 'shop', uid: 'u-1' },
  spec: { hostNetwork: false, containers: [{ name: 'app', env: [{ name: 'PASSWORD', value: 'hunter2' }] }] },
  status: {
    containerStatuses: [
      { name: 'app', image: 'nginx:1.27', imageID: 'docker-pullable://nginx@sha256:abc', containerID: 'containerd://0123', restartCount: 4 },
      { name: 'no-id', image: 'x' },
    ],
    initContainerStatuses: [{ name: 'init', image: 'busybox', imageID: '', containerID: 'containerd://0456', restartCount: 0 }],
  },
}

describe('parseKubeletPods', () => {
  it('maps pod UIDs and container IDs to names, image and restarts', () => {
    const got = parseKubeletPods(
      JSON.stringify({ kind: 'PodList', items: [POD, { metadata: { name: 'host', namespace: 'kube-system', uid: 'u-2' }, spec: { hostNetwork: true } }] }),
    )
    expect(Object.fromEntries(got?.pods ?? [])).toEqual({
      'u-1': { namespace: 'shop', pod: 'web-0', uid: 'u-1', hostNetwork: false },
      'u-2': { namespace: 'kube-system', pod: 'host', uid: 'u-2', hostNetwork: true },
    })
    expect(got?.containers.get('0123')).toEqual({
      namespace: 'shop',
      pod: 'web-0',
      podUid: 'u-1',
      container: 'app',
      image: 'nginx:1.27',
      imageRef: 'nginx@sha256:abc',
      restarts: 4,
    })
    expect(got?.containers.get('0456')?.container).toBe('init')
    expect(got?.containers.size).toBe(2)
    expect(JSON.stringify([...(got?.containers.values() ?? [])])).not.toContain('hunter2')
  })
  it.each([
    ['malformed', '{"items": ['],
    ['not an object', '"x"'],
  ])('undefined for %s', (_n, text) => {
    expect(parseKubeletPods(text)).toBeUndefined()
  })
  it.each([
    ['no items', '{}'],
    ['items of the wrong type', '{"items": {"a": 1}}'],
    ['items without metadata', '{"items": [1, null, {"status": {}}]}'],
    ['metadata without uid', '{"items": [{"metadata": {"name": "a", "namespace": "b"}}]}'],
  ])('empty for %s', (_n, text) => {
    expect(parseKubeletPods(text)?.pods.size).toBe(0)
  })
})
