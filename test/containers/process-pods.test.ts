import { cpSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { collectWith, instanceContext, instanceWithContext, samplesOf } from '../helpers/collect.ts'
import { TempTree, writeIdentity } from '../helpers/containers.ts'
import { namedprocessCollector } from '../../src/collectors/namedprocess.ts'
import { threatsCollector } from '../../src/collectors/threats.ts'
import type { ActiveThreat } from '../../src/collectors/threats.ts'
import { createLogger } from '../../src/log/logger.ts'

const FIXTURE = join(import.meta.dirname, '../fixtures/proc-pids')
const UID = '3c0ffee0-1234-4abc-8def-0123456789ab'
const ID_MINER = 'a1'.repeat(32)
const ID_OTHER = 'b2'.repeat(32)
const ID_UNNAMED = 'c3'.repeat(32)
const podSlice = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID.replaceAll('-', '_')}.slice`

const trees: TempTree[] = []
afterEach(() => trees.splice(0).forEach((t) => t.dispose()))

/**
 * The shared /proc fixture with 400 (a masquerading miner) in a containerd pod container
 * named by its OCI bundle, 500 (a pool connection) in a cgroupfs-driver pod container named
 * only by the kubelet's log tree, and 100 (python3) in a container no tier names.
 */
function setup(cgroups: Record<string, string> = {}) {
  const proc = new TempTree()
  const root = new TempTree()
  trees.push(proc, root)
  cpSync(FIXTURE, proc.root, { recursive: true, verbatimSymlinks: true })
  const write = {
    '400': `0::${podSlice}/cri-containerd-${ID_MINER}.scope\n`,
    '500': `11:memory:/kubepods/besteffort/pod${UID}/${ID_OTHER}\n4:cpu,cpuacct:/kubepods/besteffort/pod${UID}/${ID_OTHER}\n`,
    '100': `0::${podSlice}/cri-containerd-${ID_UNNAMED}.scope\n`,
    ...cgroups,
  }
  for (const [pid, text] of Object.entries(write)) writeFileSync(proc.path(pid, 'cgroup'), text)
  writeIdentity(root, { id: ID_MINER, namespace: 'shop', pod: 'web-7d4b9', uid: UID, container: 'nginx', image: 'nginx:1.27' })
  writeIdentity(root, { id: ID_OTHER, namespace: 'shop', pod: 'web-7d4b9', uid: UID, container: 'sidecar', runtime: 'none', restarts: 2 })
  return { procfs: proc.root, rootfs: root.root }
}

function capture() {
  const lines: string[] = []
  return { lines, log: createLogger({ level: 'info', format: 'json', write: (l) => lines.push(l) }) }
}

describe('threat findings in pod containers', () => {
  it('carry namespace, pod and container name in the log line and the status list', async () => {
    const { lines, log } = capture()
    let published: readonly ActiveThreat[] = []
    const [collector, base] = instanceWithContext(threatsCollector, { ...setup(), log })
    await collector.collect({ ...base, publish: (v: unknown) => (published = v as readonly ActiveThreat[]) })
    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>)
    // the OCI bundle names 400's container; the log tree alone names 500's
    expect(records.find((r) => r.pid === 400 && r.rule === 'miner_pool_connection')).toMatchObject({
      container: true,
      namespace: 'shop',
      pod: 'web-7d4b9',
      container_name: 'nginx',
    })
    expect(records.find((r) => r.pid === 500)).toMatchObject({ container: true, namespace: 'shop', pod: 'web-7d4b9', container_name: 'sidecar' })
    // a host process: no pod keys at all
    const host = records.find((r) => r.pid === 401)
    expect(host).toBeDefined()
    expect(host).not.toHaveProperty('namespace')
    expect(host).not.toHaveProperty('pod')
    const miner = published.find((t) => t.rule === 'kernel_thread_masquerade')
    expect(miner).toMatchObject({ namespace: 'shop', pod: 'web-7d4b9', containerName: 'nginx', container: true })
    expect(published.find((t) => t.rule === 'deleted_executable')).toMatchObject({ namespace: '', pod: '', containerName: '' })
    expect(lines.join('\n')).not.toContain('s3cr3t')
  })

  it('a container no tier names, or an unreadable runtime file, leaves the finding without names', async () => {
    const { lines, log } = capture()
    const roots = setup({ '400': `0::${podSlice}/cri-containerd-${'d4'.repeat(32)}.scope\n` })
    writeFileSync(join(roots.rootfs, 'run/containerd/io.containerd.runtime.v2.task/k8s.io', ID_MINER, 'config.json'), '{"annotations": {')
    await collectWith(instanceContext(threatsCollector, { ...roots, log }))
    const r400 = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r.pid === 400)
    expect(r400.length).toBeGreaterThan(0)
    for (const r of r400) {
      expect(r).toMatchObject({ container: true })
      expect(r).not.toHaveProperty('pod')
    }
  })
})

describe('namedprocess groups in pod containers', () => {
  it('adds odin_namegroup_pod_processes beside unchanged process-exporter families', async () => {
    const f = await collectWith(instanceContext(namedprocessCollector, setup()))
    expect(samplesOf(f, 'odin_namegroup_pod_processes').map((s) => [s.labels, s.value])).toEqual([
      [{ groupname: 'kworker/0:1', namespace: 'shop', pod: 'web-7d4b9', container: 'nginx' }, 1],
      [{ groupname: 'node', namespace: 'shop', pod: 'web-7d4b9', container: 'sidecar' }, 1],
    ])
    // python3 (100) is in a container no tier names: not attributed
    // process-exporter's label sets are untouched
    for (const family of f.filter((x) => x.name.startsWith('namedprocess_'))) {
      for (const s of family.samples) {
        expect(Object.keys(s.labels)).not.toContain('pod')
        expect(Object.keys(s.labels)).not.toContain('namespace')
      }
    }
  })

  it('is left out with --no-collector.namedprocess.pods', async () => {
    const off = await collectWith(instanceContext(namedprocessCollector, { ...setup(), args: ['--no-collector.namedprocess.pods'] }))
    expect(samplesOf(off, 'odin_namegroup_pod_processes')).toEqual([])
  })
})
