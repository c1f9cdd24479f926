import { readFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { containersCollector } from '../../src/collectors/containers.ts'
import { parseAgentArgs } from '../../src/config/config.ts'
import { createLogger } from '../../src/log/logger.ts'
import type { MetricFamily } from '../../src/metrics/types.ts'
import { collectWith, instanceContext, samplesOf, sampleValue } from '../helpers/collect.ts'
import { HAVE_PEER, PEER_CADVISOR, TempTree, writeIdentity } from '../helpers/containers.ts'

/**
 * The opt-in kubelet /pods tier against a local server answering with a real kubelet pod
 * list (../shared/peer/cadvisor/datadog-gke/podlist_containerd.json, read in place). The
 * cgroup tree holds the list's containers with no runtime file and no log link, so only the
 * fourth tier can name them.
 */
const TLS = join(import.meta.dirname, '../fixtures/tls')
const PODLIST = join(PEER_CADVISOR, 'datadog-gke', 'podlist_containerd.json')

interface ListedContainer {
  readonly namespace: string
  readonly pod: string
  readonly uid: string
  readonly container: string
  readonly id: string
  readonly image: string
}

function listed(): ListedContainer[] {
  const doc = JSON.parse(readFileSync(PODLIST, 'utf8')) as {
    items: { metadata: { namespace: string; name: string; uid: string }; status?: { containerStatuses?: { name: string; containerID?: string; image: string }[] } }[]
  }
  return doc.items.flatMap((it) =>
    (it.status?.containerStatuses ?? [])
      .filter((c) => c.containerID !== undefined)
      .map((c) => ({
        namespace: it.metadata.namespace,
        pod: it.metadata.name,
        uid: it.metadata.uid,
        container: c.name,
        id: (c.containerID as string).replace(/^containerd:\/\//, ''),
        image: c.image,
      })),
  )
}

const scope = (c: { uid: string; id: string }) => `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${c.uid.replaceAll('-', '_')}.slice/cri-containerd-${c.id}.scope`

const trees: TempTree[] = []
const servers: Server[] = []
afterEach(async () => {
  trees.splice(0).forEach((t) => t.dispose())
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise((r) => {
          s.close(r)
          s.closeAllConnections()
        }),
    ),
  )
})

function v2Tree(containers: readonly { uid: string; id: string }[]): TempTree {
  const sys = new TempTree().file('fs/cgroup/cgroup.controllers', 'cpu io memory pids\n')
  trees.push(sys)
  for (const c of containers) {
    sys
      .file(`fs/cgroup${scope(c)}/cpu.stat`, 'usage_usec 1000000\n')
      .file(`fs/cgroup${scope(c)}/memory.current`, '4096\n')
      .file(`fs/cgroup${scope(c)}/memory.stat`, 'anon 1\nfile 1\ninactive_file 0\n')
  }
  return sys
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void, tls = false): Promise<{ url: string; requests: IncomingMessage[] }> {
  const requests: IncomingMessage[] = []
  const wrapped = (req: IncomingMessage, res: ServerResponse) => {
    requests.push(req)
    handler(req, res)
  }
  const server = tls ? createHttpsServer({ key: readFileSync(join(TLS, 'server-key.pem')), cert: readFileSync(join(TLS, 'server.pem')) }, wrapped) : createHttpServer(wrapped)
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/pods`, requests }
}

const podList = (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(readFileSync(PODLIST))
}

/** Collects until `done` holds or 3 s pass: the tier fetches in the background, never inside a tick. */
async function collectUntil(ctx: ReturnType<typeof instanceContext>, done: (f: MetricFamily[]) => boolean): Promise<MetricFamily[]> {
  const deadline = Date.now() + 3000
  for (;;) {
    const f = await collectWith(ctx)
    if (done(f) || Date.now() > deadline) return f
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe.skipIf(!HAVE_PEER)('kubelet /pods tier (--collector.containers.kubelet-url)', () => {
  it('is off by default: the list containers stay unresolved and nothing is fetched', async () => {
    const cs = listed()
    const f = await collectWith(instanceContext(containersCollector, { sysfs: v2Tree(cs).root }))
    expect(sampleValue(f, 'odin_containers', { state: 'unresolved' })).toBe(cs.length)
  })

  it('names every container of a real pod list by ID, with the bearer token, over plain HTTP', async () => {
    const cs = listed()
    expect(cs.length).toBeGreaterThan(10)
    const server = await serve(podList)
    const root = new TempTree().file('token', 'tok-123\n')
    trees.push(root)
    const ctx = instanceContext(containersCollector, {
      sysfs: v2Tree(cs).root,
      args: [`--collector.containers.kubelet-url=${server.url}`, `--collector.containers.kubelet-token-file=${root.path('token')}`],
    })
    const first = await collectWith(ctx)
    // the first tick does not wait for the kubelet
    expect(sampleValue(first, 'odin_containers', { state: 'unresolved' })).toBe(cs.length)
    const f = await collectUntil(ctx, (x) => sampleValue(x, 'odin_containers', { state: 'unresolved' }) === 0)
    expect(sampleValue(f, 'odin_containers', { state: 'resolved' })).toBe(cs.length)
    const got = samplesOf(f, 'container_memory_usage_bytes').map((s) => s.labels)
    for (const c of cs) {
      expect(got).toContainEqual({ container: c.container, id: scope(c), image: c.image, name: c.id, namespace: c.namespace, pod: c.pod })
    }
    expect(server.requests[0]?.headers.authorization).toBe('Bearer tok-123')
    expect(server.requests).toHaveLength(1)
  })

  it('fills only what the other tiers miss: the runtime file keeps its names, the log-tree-only container gets its image', async () => {
    const cs = listed()
    const [a, b] = [cs[0] as ListedContainer, cs[1] as ListedContainer]
    const root = new TempTree()
    trees.push(root)
    writeIdentity(root, { id: a.id, namespace: 'from-file', pod: 'pod-from-file', uid: a.uid, container: 'ctr-from-file', image: 'file/image:1' })
    writeIdentity(root, { id: b.id, namespace: b.namespace, pod: b.pod, uid: b.uid, container: b.container, runtime: 'none', restarts: 4 })
    const server = await serve(podList)
    const ctx = instanceContext(containersCollector, { sysfs: v2Tree(cs).root, rootfs: root.root, args: [`--collector.containers.kubelet-url=${server.url}`] })
    const f = await collectUntil(ctx, (x) => sampleValue(x, 'odin_containers', { state: 'unresolved' }) === 0)
    const byId = (id: string) => samplesOf(f, 'container_memory_usage_bytes').find((s) => s.labels.name === id)?.labels
    expect(byId(a.id)).toMatchObject({ namespace: 'from-file', pod: 'pod-from-file', container: 'ctr-from-file', image: 'file/image:1' })
    expect(byId(b.id)).toMatchObject({ namespace: b.namespace, pod: b.pod, container: b.container, image: b.image })
    expect(sampleValue(f, 'odin_container_restarts_total', { container: b.container, pod: b.pod })).toBe(4)
  })

  it('verifies the kubelet certificate against --collector.containers.kubelet-ca-file, and refuses it without', async () => {
    const cs = listed().slice(0, 3)
    const server = await serve(podList, true)
    const lines: string[] = []
    const log = createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l) })
    const verified = instanceContext(containersCollector, {
      sysfs: v2Tree(cs).root,
      args: [`--collector.containers.kubelet-url=${server.url}`, `--collector.containers.kubelet-ca-file=${join(TLS, 'ca.pem')}`],
    })
    const ok = await collectUntil(verified, (x) => sampleValue(x, 'odin_containers', { state: 'unresolved' }) === 0)
    expect(sampleValue(ok, 'odin_containers', { state: 'resolved' })).toBe(3)

    // the system's CAs do not know the test CA: one warning, containers counted, the tick fine
    const refused = instanceContext(containersCollector, { sysfs: v2Tree(cs).root, log, args: [`--collector.containers.kubelet-url=${server.url}`] })
    await collectWith(refused)
    const deadline = Date.now() + 3000
    while (!lines.some((l) => l.includes('kubelet pod list not read')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    const f = await collectWith(refused)
    expect(sampleValue(f, 'odin_containers', { state: 'unresolved' })).toBe(3)
    expect(lines.filter((l) => l.includes('kubelet pod list not read'))).toHaveLength(1)

    const insecure = instanceContext(containersCollector, {
      sysfs: v2Tree(cs).root,
      args: [`--collector.containers.kubelet-url=${server.url}`, '--collector.containers.kubelet-insecure-skip-verify'],
    })
    const any = await collectUntil(insecure, (x) => sampleValue(x, 'odin_containers', { state: 'unresolved' }) === 0)
    expect(sampleValue(any, 'odin_containers', { state: 'resolved' })).toBe(3)
  })

  it.each([
    ['401', (_q: IncomingMessage, r: ServerResponse) => r.writeHead(401).end('Unauthorized'), 'HTTP 401'],
    ['not a pod list', (_q: IncomingMessage, r: ServerResponse) => r.writeHead(200).end('<html>'), 'not a pod list'],
    ['a hung kubelet', () => undefined, 'no answer'],
  ])('a kubelet answering %s costs only the names: one warning, the tick never waits', async (_n, handler, err) => {
    const cs = listed().slice(0, 2)
    const server = await serve(handler)
    const lines: string[] = []
    const log = createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l) })
    const ctx = instanceContext(containersCollector, { sysfs: v2Tree(cs).root, log, args: [`--collector.containers.kubelet-url=${server.url}`] })
    const started = Date.now()
    const f = await collectWith(ctx)
    expect(Date.now() - started).toBeLessThan(1000)
    expect(sampleValue(f, 'odin_containers', { state: 'unresolved' })).toBe(2)
    if (err !== 'no answer') {
      const deadline = Date.now() + 3000
      while (!lines.some((l) => l.includes(err)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      expect(lines.filter((l) => l.includes('kubelet pod list not read'))).toHaveLength(1)
      expect(lines.join('\n')).toContain(err)
    }
  })
})

describe('kubelet tier flags', () => {
  it.each([
    ['--collector.containers.kubelet-url=ftp://node:10250/pods', /kubelet-url: invalid value/],
    ['--collector.containers.kubelet-url=not a url', /kubelet-url: invalid value/],
    ['--collector.containers.kubelet-url=https://user:pw@node:10250/pods', /without user:password/],
    ['--collector.containers.kubelet-token-file=/nonexistent/token', /kubelet-token-file: invalid value/],
    [`--collector.containers.kubelet-ca-file=${join(TLS, 'server-key.pem')}`, /kubelet-ca-file: invalid value.*PEM CA/],
  ])('%s is refused when parsed', (arg, message) => {
    expect(() => parseAgentArgs([arg], [containersCollector])).toThrowError(message)
  })
})
