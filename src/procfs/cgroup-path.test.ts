import { describe, expect, it } from 'vitest'
import { classifyCgroupPath, mayHoldContainers } from './cgroup-path.ts'
import type { CgroupClass } from './cgroup-path.ts'

const ID = '1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496'
const UID = '7a96c459-d529-44ae-9f99-90d3798d6426'
const UID_ = UID.replaceAll('-', '_')
const STATIC = '260c2b1d43b094af6d6b4ccba082c2db'

const ctr = (runtime: string | undefined, podUid: string | undefined, qos: string | undefined, containerId = ID): CgroupClass =>
  ({ kind: 'container', containerId, runtime, podUid, qos }) as CgroupClass
const pod = (podUid: string, qos: string): CgroupClass => ({ kind: 'pod', podUid, qos }) as CgroupClass
const OTHER: CgroupClass = { kind: 'other' }

const cases: [string, string, CgroupClass][] = [
  [
    'EKS systemd driver, containerd',
    `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${ID}.scope`,
    ctr('containerd', UID, 'burstable'),
  ],
  ['systemd pod slice', `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice`, pod(UID, 'besteffort')],
  ['guaranteed pod directly under kubepods.slice', `/kubepods.slice/kubepods-pod${UID_}.slice/cri-containerd-${ID}.scope`, ctr('containerd', UID, 'guaranteed')],
  ['cgroupfs driver (GKE Docker, k3s)', `/kubepods/burstable/pod${UID}/${ID}`, ctr(undefined, UID, 'burstable')],
  ['cgroupfs guaranteed', `/kubepods/pod${UID}/${ID}`, ctr(undefined, UID, 'guaranteed')],
  ['cgroupfs pod level', `/kubepods/besteffort/pod${UID}`, pod(UID, 'besteffort')],
  ['static pod with a 32-hex UID', `/kubepods/burstable/pod${STATIC}/${ID}`, ctr(undefined, STATIC, 'burstable')],
  ['CRI-O scope', `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/crio-${ID}.scope`, ctr('crio', UID, 'burstable')],
  ['CRI-O conmon is skipped', `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/crio-conmon-${ID}.scope`, OTHER],
  ['dockershim under systemd', `/kubepods.slice/kubepods-pod${UID_}.slice/docker-${ID}.scope`, ctr('docker', UID, 'guaranteed')],
  [
    'kind',
    `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${UID_}.slice/cri-containerd-${ID}.scope`,
    ctr('containerd', UID, 'besteffort'),
  ],
  ['kind guaranteed', `/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-pod${UID_}.slice/cri-containerd-${ID}.scope`, ctr('containerd', UID, 'guaranteed')],
  ['Docker-in-Docker / k3d', `/docker/${'a'.repeat(64)}/kubelet/kubepods/burstable/pod${UID}/${ID}`, ctr(undefined, UID, 'burstable')],
  ['through a cgroup namespace', `/../../kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${ID}.scope`, ctr('containerd', UID, 'burstable')],
  ['a .mount unit with a container ID', `/system.slice/run-containerd-io.containerd.runtime.v2.task-k8s.io-${ID}-rootfs.mount`, OTHER],
  ['a .mount unit inside a pod', `/kubepods.slice/kubepods-pod${UID_}.slice/x-${ID}.mount`, OTHER],
  ['kubepods root', '/kubepods.slice', OTHER],
  ['QoS slice', '/kubepods.slice/kubepods-burstable.slice', OTHER],
  ['something below a container', `/kubepods/pod${UID}/${ID}/child`, OTHER],
  ['an unknown leaf in a pod', `/kubepods/pod${UID}/not-a-container`, OTHER],
  ['a short ID', `/kubepods/pod${UID}/${ID.slice(1)}`, OTHER],
  ['upper-case hex is not a container ID', `/kubepods/pod${UID}/${ID.toUpperCase()}`, OTHER],
  ['bare Docker, systemd driver', `/system.slice/docker-${ID}.scope`, ctr('docker', undefined, undefined)],
  ['bare Docker, cgroupfs driver', `/docker/${ID}`, ctr('docker', undefined, undefined)],
  ['podman', `/machine.slice/libpod-${ID}.scope`, ctr('podman', undefined, undefined)],
  ['rootless podman', `/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope`, ctr('podman', undefined, undefined)],
  ['podman conmon', `/machine.slice/libpod-conmon-${ID}.scope`, OTHER],
  ['podman, cgroupfs manager', `/libpod_parent/libpod-${ID}`, ctr('podman', undefined, undefined)],
  ['podman conmon, cgroupfs manager', `/libpod_parent/libpod-conmon-${ID}`, OTHER],
  ['kubelet service', '/system.slice/kubelet.service', OTHER],
  ['session scope through a namespace', '/../../user-1000.slice/session-520.scope', OTHER],
  ['root', '/', OTHER],
  ['empty', '', OTHER],
  ['only dots', '/../..', OTHER],
  ['a 64-hex leaf outside docker/ and kubepods', `/system.slice/${ID}`, OTHER],
  ['pod-like segment outside kubepods', `/system.slice/pod${UID}/${ID}`, OTHER],
]

describe('classifyCgroupPath', () => {
  it.each(cases)('%s', (_name, path, want) => {
    expect(classifyCgroupPath(path)).toEqual(want)
  })

  it('survives hostile paths', () => {
    for (const path of ['/'.repeat(10_000), `/kubepods/${'pod'.repeat(5000)}`, '\u0000/kubepods/\u0000', `${'x/'.repeat(2000)}kubepods`]) {
      expect(classifyCgroupPath(path).kind).toBe('other')
    }
  })
})

describe('mayHoldContainers', () => {
  it.each([
    ['kubepods.slice', true],
    ['system.slice', true],
    [`run-containerd-${ID}-rootfs.mount`, false],
    [`crio-conmon-${ID}.scope`, false],
    [`libpod-conmon-${ID}.scope`, false],
  ])('%s: %s', (name, want) => {
    expect(mayHoldContainers(name)).toBe(want)
  })
})
