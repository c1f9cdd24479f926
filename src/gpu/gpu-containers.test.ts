import { afterEach, describe, expect, it } from 'vitest'
import { contextFor, samplesOf } from '../../test/helpers/collect.ts'
import { TempTree, writeIdentity } from '../../test/helpers/containers.ts'
import { containersCollector } from '../collectors/containers.ts'
import { Families } from '../metrics/families.ts'
import { containerOfProcCgroup } from '../procfs/cgroup-path.ts'
import { GpuContainerMemory } from './gpu-containers.ts'
import type { GpuProcessPid, GpuReading } from './nvidia-smi-xml.ts'

const UID = 'abcdef01-2345-4678-9abc-def012345678'
const ID = 'a1'.repeat(32)
const ID2 = 'b2'.repeat(32)
const V2 = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replaceAll('-', '_')}.slice/cri-containerd-${ID}.scope`
const V1 = `/kubepods/besteffort/pod${UID}/${ID2}`

describe('containerOfProcCgroup', () => {
  it.each([
    ['a v2 line', `0::${V2}\n`, ID],
    ['a v2 line seen through a cgroup namespace', `0::/../../..${V2}\n`, ID],
    ['v1: the memory line wins', `12:pids:/user.slice\n11:memory:${V1}\n4:cpu,cpuacct:${V1}\n1:name=systemd:${V1}\n`, ID2],
    ['v1 without a memory line: another controller', `4:cpu,cpuacct:${V1}\n1:name=systemd:/init.scope\n`, ID2],
    ['a bare Docker container (no pod)', `0::/system.slice/docker-${'c3'.repeat(32)}.scope\n`, 'c3'.repeat(32)],
  ])('%s', (_, text, id) => {
    expect(containerOfProcCgroup(text)?.containerId).toBe(id)
  })

  it.each([
    ['a host process', '0::/user.slice/user-0.slice/session-1.scope\n'],
    ['the pod level only', `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replaceAll('-', '_')}.slice\n`],
    ['empty', ''],
    ['garbage', 'no colons here\n:::\n\u0000\n'],
    ['a .mount unit carrying an ID', `0::/system.slice/run-containerd-${ID}.mount\n`],
  ])('%s is no container', (_, text) => {
    expect(containerOfProcCgroup(text)).toBeUndefined()
  })
})

const trees: TempTree[] = []
afterEach(() => trees.splice(0).forEach((t) => t.dispose()))
function tree(): TempTree {
  const t = new TempTree()
  trees.push(t)
  return t
}

function gpu(index: number, processPids: GpuProcessPid[]): GpuReading {
  return {
    index,
    uuid: `GPU-${index}`,
    name: 'NVIDIA H100',
    device: `nvidia${index}`,
    pci: '',
    vbiosVersion: '',
    values: new Map(),
    throttleReasons: new Map(),
    throttleSeconds: new Map(),
    mig: [],
    processes: [],
    processPids,
  }
}

describe('GpuContainerMemory', () => {
  const MiB = 1024 * 1024

  function setup() {
    const proc = tree()
      .file('100/cgroup', `0::${V2}\n`)
      .file('101/cgroup', `0::${V2}\n`)
      .file('200/cgroup', '0::/user.slice/user-1000.slice/session-2.scope\n')
      .file('300/cgroup', `0::/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replaceAll('-', '_')}.slice/cri-containerd-${'d4'.repeat(32)}.scope\n`)
    const root = tree()
    writeIdentity(root, { id: ID, namespace: 'ml', pod: 'trainer-0', uid: UID, container: 'trainer', image: 'nvcr.io/nvidia/pytorch:24.05-py3', restarts: 0 })
    const ctx = contextFor(containersCollector, { procfs: proc.root, rootfs: root.root })
    return ctx
  }

  it("sums a container's processes per GPU; host processes, unnamed containers and vanished PIDs are left out", async () => {
    const ctx = setup()
    const f = new Families()
    // 100 and 101 in the trainer container, 200 a host process, 300 a container nothing names, 400 gone
    const gpus = [
      gpu(0, [
        { pid: 100, usedBytes: 1000 * MiB },
        { pid: 101, usedBytes: 24 * MiB },
        { pid: 200, usedBytes: 5 * MiB },
        { pid: 300, usedBytes: 7 * MiB },
        { pid: 400, usedBytes: 9 * MiB },
      ]),
      gpu(1, [{ pid: 101, usedBytes: 2 * MiB }]),
    ]
    const cut = await new GpuContainerMemory().add(f, ctx.fs, gpus, 100, 0)
    expect(cut).toBe(0)
    expect(samplesOf(f.list(), 'odin_gpu_container_memory_bytes')).toEqual([
      { labels: { gpu: '0', UUID: 'GPU-0', namespace: 'ml', pod: 'trainer-0', container: 'trainer' }, value: 1024 * MiB },
      { labels: { gpu: '1', UUID: 'GPU-1', namespace: 'ml', pod: 'trainer-0', container: 'trainer' }, value: 2 * MiB },
    ])
    expect(JSON.stringify(f.list())).not.toMatch(/\b(100|101|200)\b"/)
  })

  it('keeps the largest series under the cap and counts the rest', async () => {
    const ctx = setup()
    const f = new Families()
    const cut = await new GpuContainerMemory().add(f, ctx.fs, [gpu(0, [{ pid: 100, usedBytes: 1 * MiB }]), gpu(1, [{ pid: 100, usedBytes: 3 * MiB }])], 1, 0)
    expect(cut).toBe(1)
    expect(samplesOf(f.list(), 'odin_gpu_container_memory_bytes').map((s) => s.labels.gpu)).toEqual(['1'])
  })

  it('reads nothing when no GPU lists a process', async () => {
    const f = new Families()
    const ctx = contextFor(containersCollector, { procfs: '/nonexistent', rootfs: '/nonexistent' })
    expect(await new GpuContainerMemory().add(f, ctx.fs, [gpu(0, [])], 100, 0)).toBe(0)
    expect(f.list()).toEqual([])
  })
})
