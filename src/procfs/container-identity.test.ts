import { describe, expect, it } from 'vitest'
import { parseDockerConfig, parseKubeletLogLink, parseOciAnnotations, parsePodmanContainers } from './container-identity.ts'

const ID = '1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496'
const UID = '7a96c459-d529-44ae-9f99-90d3798d6426'
const SECRET = 'hunter2-DO-NOT-KEEP'

const containerd = (annotations: Record<string, string>) => JSON.stringify({ ociVersion: '1.1.0', process: { env: [`PASSWORD=${SECRET}`], args: ['/app'] }, annotations })

describe('parseOciAnnotations', () => {
  it('reads containerd container annotations', () => {
    expect(
      parseOciAnnotations(
        containerd({
          'io.kubernetes.cri.container-type': 'container',
          'io.kubernetes.cri.container-name': 'app',
          'io.kubernetes.cri.sandbox-name': 'web-0',
          'io.kubernetes.cri.sandbox-namespace': 'shop',
          'io.kubernetes.cri.sandbox-uid': UID,
          'io.kubernetes.cri.image-name': 'registry.example/app:1.2',
        }),
      ),
    ).toEqual({ namespace: 'shop', pod: 'web-0', podUid: UID, container: 'app', image: 'registry.example/app:1.2', sandbox: false })
  })
  it('reads a containerd sandbox (pause image, no container name)', () => {
    expect(
      parseOciAnnotations(
        containerd({
          'io.kubernetes.cri.container-type': 'sandbox',
          'io.kubernetes.cri.sandbox-name': 'web-0',
          'io.kubernetes.cri.sandbox-namespace': 'shop',
          'io.kubernetes.cri.sandbox-uid': UID,
          'io.kubernetes.cri.podsandbox.image-name': 'registry.k8s.io/pause:3.10',
        }),
      ),
    ).toEqual({ namespace: 'shop', pod: 'web-0', podUid: UID, container: undefined, image: 'registry.k8s.io/pause:3.10', sandbox: true })
  })
  it('reads CRI-O annotations, with the kubelet labels as a JSON string', () => {
    const labels = JSON.stringify({ 'io.kubernetes.pod.name': 'web-0', 'io.kubernetes.pod.namespace': 'shop', 'io.kubernetes.pod.uid': UID, 'io.kubernetes.container.name': 'app' })
    expect(
      parseOciAnnotations(
        containerd({ 'io.kubernetes.cri-o.ContainerType': 'container', 'io.kubernetes.cri-o.Labels': labels, 'io.kubernetes.cri-o.ImageName': 'quay.io/x/app:2' }),
      ),
    ).toEqual({ namespace: 'shop', pod: 'web-0', podUid: UID, container: 'app', image: 'quay.io/x/app:2', sandbox: false })
    expect(parseOciAnnotations(containerd({ 'io.kubernetes.cri-o.ContainerType': 'sandbox', 'io.kubernetes.pod.name': 'p', 'io.kubernetes.pod.namespace': 'n' }))).toMatchObject({
      pod: 'p',
      namespace: 'n',
      container: 'POD',
      sandbox: true,
    })
  })
  it.each([
    ['malformed JSON', '{"annotations": {'],
    ['not an object', '[1,2]'],
    ['no annotations', JSON.stringify({ process: { env: [SECRET] } })],
    ['annotations of the wrong type', JSON.stringify({ annotations: ['x'] })],
    ['no Kubernetes annotation', containerd({ 'org.opencontainers.image.title': 'x' })],
    ['empty', ''],
    ['oversized', `{"annotations":{},"x":"${'a'.repeat(5 * 1024 * 1024)}"}`],
  ])('undefined for %s', (_n, text) => {
    expect(parseOciAnnotations(text)).toBeUndefined()
  })
  it('never keeps the environment', () => {
    const got = parseOciAnnotations(containerd({ 'io.kubernetes.cri.container-type': 'container', 'io.kubernetes.cri.container-name': 'a' }))
    expect(JSON.stringify(got)).not.toContain(SECRET)
  })
})

describe('parseDockerConfig', () => {
  const doc = (o: Record<string, unknown>) => JSON.stringify(o)
  it('reads Name, Config.Image and the kubelet labels, never Env', () => {
    const got = parseDockerConfig(
      doc({
        ID,
        Name: '/k8s_fluentd-gcp_fluentd-gcp-v3.1.0-x_kube-system_2edfd4d9-10ea-11e8-a8b1-42010af0006a_0',
        Config: {
          Image: 'gcr.io/stackdriver-agents/stackdriver-logging-agent:0.3-1.5.34-1-k8s-1',
          Env: [`TOKEN=${SECRET}`],
          Labels: {
            'io.kubernetes.container.name': 'fluentd-gcp',
            'io.kubernetes.pod.name': 'fluentd-gcp-v3.1.0-x',
            'io.kubernetes.pod.namespace': 'kube-system',
            'io.kubernetes.pod.uid': '2edfd4d9-10ea-11e8-a8b1-42010af0006a',
          },
        },
      }),
    )
    expect(got).toEqual({
      namespace: 'kube-system',
      pod: 'fluentd-gcp-v3.1.0-x',
      podUid: '2edfd4d9-10ea-11e8-a8b1-42010af0006a',
      container: 'fluentd-gcp',
      image: 'gcr.io/stackdriver-agents/stackdriver-logging-agent:0.3-1.5.34-1-k8s-1',
      sandbox: false,
      name: 'k8s_fluentd-gcp_fluentd-gcp-v3.1.0-x_kube-system_2edfd4d9-10ea-11e8-a8b1-42010af0006a_0',
    })
    expect(JSON.stringify(got)).not.toContain(SECRET)
  })
  it('a bare Docker container has a name and image only', () => {
    expect(parseDockerConfig(doc({ Name: '/trainer', Config: { Image: 'pytorch/pytorch:2.5' } }))).toEqual({
      namespace: undefined,
      pod: undefined,
      podUid: undefined,
      container: undefined,
      image: 'pytorch/pytorch:2.5',
      sandbox: false,
      name: 'trainer',
    })
  })
  it('a dockershim sandbox is POD', () => {
    expect(parseDockerConfig(doc({ Name: '/k8s_POD_x', Config: { Image: 'pause', Labels: { 'io.kubernetes.docker.type': 'podsandbox' } } }))).toMatchObject({
      container: 'POD',
      sandbox: true,
    })
  })
  it.each([
    ['malformed', '{"Name":'],
    ['no name', doc({ Config: { Image: 'x' } })],
    ['empty name', doc({ Name: '' })],
    ['name not a string', doc({ Name: 5 })],
  ])('undefined for %s', (_n, text) => {
    expect(parseDockerConfig(text)).toBeUndefined()
  })
  it('ignores wrongly typed Config and Labels', () => {
    expect(parseDockerConfig(doc({ Name: '/a', Config: 'x' }))).toMatchObject({ name: 'a', image: undefined })
    expect(parseDockerConfig(doc({ Name: '/a', Config: { Image: 7, Labels: [1] } }))).toMatchObject({ name: 'a', image: undefined, pod: undefined })
  })
})

describe('parsePodmanContainers', () => {
  const OTHER = 'f'.repeat(64)
  // Hand-written in the shape containers/storage writes: metadata is a JSON string (libpod's RuntimeContainerMetadata).
  const registry = (entries: unknown[]) => JSON.stringify(entries)
  const podman = {
    id: ID,
    names: ['trainer'],
    image: 'a'.repeat(64),
    layer: 'b'.repeat(64),
    metadata: JSON.stringify({ 'image-name': 'docker.io/pytorch/pytorch:2.5', 'image-id': 'a'.repeat(64), name: 'trainer', 'created-at': 1_700_000_000 }),
    created: '2026-01-01T00:00:00Z',
    flags: { MountLabel: '', ProcessLabel: '' },
  }
  it("reads the container's name and image name from its entry", () => {
    expect(parsePodmanContainers(registry([{ id: OTHER, names: ['x'] }, podman]), ID)).toEqual({ image: 'docker.io/pytorch/pytorch:2.5', sandbox: false, name: 'trainer' })
  })
  it('falls back to names[0] without metadata, and gives no image from an image ID alone', () => {
    expect(parsePodmanContainers(registry([{ id: ID, names: ['web', 'alias'], image: 'a'.repeat(64) }]), ID)).toEqual({ image: undefined, sandbox: false, name: 'web' })
    expect(parsePodmanContainers(registry([{ id: ID, names: ['web'], metadata: '{not json' }]), ID)).toMatchObject({ name: 'web', image: undefined })
  })
  it.each([
    ['malformed', '[{"id":'],
    ['not a list', JSON.stringify({ id: ID, names: ['x'] })],
    ['no entry for the ID', registry([{ id: OTHER, names: ['x'] }])],
    ['a nameless entry', registry([{ id: ID, names: [] }])],
    ['names not a list', registry([{ id: ID, names: 'x' }])],
    ['null entries', registry([null, 5, 'x'])],
    ['oversized', `[${' '.repeat(4 * 1024 * 1024)}]`],
  ])('undefined for %s', (_n, text) => {
    expect(parsePodmanContainers(text, ID)).toBeUndefined()
  })
})

describe('parseKubeletLogLink', () => {
  const name = `web-0_shop_app-${ID}.log`
  const target = `/var/log/pods/shop_web-0_${UID}/app/3.log`
  it('reads names, UID, ID and restart count from the name and the link text', () => {
    expect(parseKubeletLogLink(name, target)).toEqual({ namespace: 'shop', pod: 'web-0', podUid: UID, container: 'app', containerId: ID, restarts: 3 })
  })
  it('accepts dotted pod names and a static pod UID', () => {
    expect(
      parseKubeletLogLink(`kube-proxy-gke-x.y_kube-system_kube-proxy-${ID}.log`, `/var/log/pods/kube-system_kube-proxy-gke-x.y_260c2b1d43b094af6d6b4ccba082c2db/kube-proxy/0.log`),
    ).toMatchObject({
      pod: 'kube-proxy-gke-x.y',
      podUid: '260c2b1d43b094af6d6b4ccba082c2db',
      restarts: 0,
    })
  })
  it.each([
    ['a truncated name (ID cut)', `web-0_shop_app-${ID.slice(0, 40)}`, target],
    ['a name without .log', `web-0_shop_app-${ID}`, target],
    ['too few parts', `web-0_app-${ID}.log`, target],
    ['a relative target that is not the pod tree', name, '../x/3.log'],
    ['a target for another pod', name, `/var/log/pods/shop_web-1_${UID}/app/3.log`],
    ['a target for another container', name, `/var/log/pods/shop_web-0_${UID}/side/3.log`],
    ['a non-numeric restart count', name, `/var/log/pods/shop_web-0_${UID}/app/x.log`],
    ['an empty target (link loop or unreadable)', name, ''],
    ['an upper-case name', `Web_shop_app-${ID}.log`, target],
  ])('undefined for %s', (_n, n, t) => {
    expect(parseKubeletLogLink(n, t)).toBeUndefined()
  })
})
