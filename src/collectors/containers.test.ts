import { appendFileSync, rmSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { collectFrom, contextFor, instanceWithContext, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { TempTree, writeIdentity } from '../../test/helpers/containers.ts'
import type { PodContainer } from '../../test/helpers/containers.ts'
import type { MetricFamily } from '../metrics/types.ts'
import { containersCollector } from './containers.ts'

const hex = (c: string) => c.repeat(64)
const UID = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee'
const slice = (uid: string) => `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replaceAll('-', '_')}.slice`
const scope = (id: string, uid = UID) => `${slice(uid)}/cri-containerd-${id}.scope`

const trees: TempTree[] = []
afterEach(() => {
  trees.splice(0).forEach((t) => t.dispose())
})
function tree(): TempTree {
  const t = new TempTree()
  trees.push(t)
  return t
}

/** A unified (v2) cgroup tree; each container's files are small and hand-written. */
function v2(containers: Record<string, { usec?: number; current?: string; omit?: string[] }>): TempTree {
  const sys = tree().file('fs/cgroup/cgroup.controllers', 'cpu io memory pids\n')
  for (const [rel, c] of Object.entries(containers)) {
    const files: Record<string, string> = {
      'cpu.stat': `usage_usec ${c.usec ?? 1_000_000}\nuser_usec 1\nsystem_usec 1\nnr_periods 10\nnr_throttled 2\nthrottled_usec 500\n`,
      'cpu.max': 'max 100000\n',
      'memory.current': c.current ?? '1000\n',
      'memory.stat': 'anon 600\nfile 300\ninactive_file 100\n',
      'memory.max': '4096\n',
      'memory.events': 'low 0\nhigh 0\nmax 0\noom 1\noom_kill 1\n',
      'io.stat': '8:0 rbytes=10 wbytes=20 rios=1 wios=2\n',
    }
    for (const [name, text] of Object.entries(files)) if (!c.omit?.includes(name)) sys.file(`fs/cgroup${rel}/${name}`, text)
    sys.dir(`fs/cgroup${rel}`)
  }
  return sys
}

function pc(id: string, container: string, extra: Partial<PodContainer> = {}): PodContainer {
  return { id, namespace: 'shop', pod: 'web-0', uid: UID, container, image: `example/${container}:1`, restarts: 0, ...extra }
}

function identities(...cs: PodContainer[]): TempTree {
  const root = tree()
  for (const c of cs) writeIdentity(root, c)
  return root
}

const containerIds = (fams: readonly MetricFamily[]) => samplesOf(fams, 'container_memory_usage_bytes').map((s) => s.labels.id)

describe('containers collector', () => {
  it('is idle with no error where there is no cgroup tree or no container cgroup', async () => {
    await expect(collectFrom(containersCollector, { sysfs: tree().root })).rejects.toMatchObject({ name: 'NoDataError' })
    const sys = tree().file('fs/cgroup/cgroup.controllers', 'cpu memory\n').dir('fs/cgroup/system.slice/sshd.service').dir('fs/cgroup/kubepods.slice/kubepods-burstable.slice')
    await expect(collectFrom(containersCollector, { sysfs: sys.root })).rejects.toMatchObject({ name: 'NoDataError' })
  })

  it('skips .mount units and conmon monitors and does not count them', async () => {
    const sys = v2({ [scope(hex('a'))]: {} })
      .dir(`fs/cgroup/system.slice/run-containerd-io.containerd.runtime.v2.task-k8s.io-${hex('b')}-rootfs.mount`)
      .dir(`fs/cgroup${slice(UID)}/crio-conmon-${hex('c')}.scope`)
    const fams = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: identities(pc(hex('a'), 'app')).root })
    expect(containerIds(fams)).toEqual([scope(hex('a'))])
    expect(sampleValue(fams, 'odin_containers', { state: 'unresolved' })).toBe(0)
  })

  it('finds pods of a Kubernetes node running in a Docker container (k3d), and the node container itself', async () => {
    const outer = hex('0')
    const inner = `/docker/${outer}/kubelet/kubepods/burstable/pod${UID}/${hex('a')}`
    const sys = v2({ [`/docker/${outer}`]: {}, [inner]: {} })
    const root = identities(pc(hex('a'), 'app')).file(
      `var/lib/docker/containers/${outer}/config.v2.json`,
      JSON.stringify({ Name: '/k3d-server-0', Config: { Image: 'rancher/k3s:v1.31' } }),
    )
    const fams = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: root.root })
    expect(containerIds(fams)).toEqual([`/docker/${outer}`, inner])
  })

  it('names bare podman containers from containers/storage (systemd and cgroupfs managers); a container missing there is counted', async () => {
    const [a, b, c] = [hex('a'), hex('b'), hex('c')]
    const sys = v2({ [`/machine.slice/libpod-${a}.scope`]: {}, [`/libpod_parent/libpod-${b}`]: {}, [`/machine.slice/libpod-${c}.scope`]: {} }).dir(
      `fs/cgroup/machine.slice/libpod-conmon-${a}.scope`,
    )
    const meta = (name: string, image: string) => JSON.stringify({ 'image-name': image, 'image-id': hex('9'), name, 'created-at': 1_700_000_000 })
    const root = tree().file(
      'var/lib/containers/storage/overlay-containers/containers.json',
      JSON.stringify([
        { id: a, names: ['jupyter'], image: hex('9'), metadata: meta('jupyter', 'quay.io/jupyter/base-notebook:latest') },
        { id: b, names: ['db'], image: hex('8') },
      ]),
    )
    const fams = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: root.root })
    const usage = samplesOf(fams, 'container_memory_usage_bytes').map((s) => s.labels)
    expect(usage).toEqual([
      { container: '', id: `/libpod_parent/libpod-${b}`, image: 'unknown', name: 'db', namespace: '', pod: '' },
      { container: '', id: `/machine.slice/libpod-${a}.scope`, image: 'quay.io/jupyter/base-notebook:latest', name: 'jupyter', namespace: '', pod: '' },
    ])
    expect(sampleValue(fams, 'odin_container_info', { container_id: a })).toBe(1)
    expect(samplesOf(fams, 'odin_container_info').find((s) => s.labels.container_id === a)?.labels.runtime).toBe('podman')
    expect(sampleValue(fams, 'odin_containers', { state: 'unresolved' })).toBe(1)
  })

  it('extended: descriptors and sockets over cgroup.procs, the root process ulimit, last seen; no descriptor series without readable fd directories', async () => {
    const rel = scope(hex('a'))
    const sys = v2({ [rel]: {} }).file(`fs/cgroup${rel}/cgroup.procs`, '101\n100\n\n')
    const proc = tree()
      .link('100/fd/0', '/dev/null')
      .link('100/fd/1', 'socket:[4242]')
      .link('100/fd/2', 'pipe:[77]')
      .link('101/fd/0', 'socket:[4243]')
      .file('100/limits', 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1048576              1048576              files\n')
      .file('101/limits', 'Max open files            unlimited            unlimited            files\n')
    const root = identities(pc(hex('a'), 'app'))
    const fams = await collectFrom(containersCollector, { sysfs: sys.root, procfs: proc.root, rootfs: root.root, args: ['--collector.containers.extended'] })
    const id = { id: rel }
    expect(sampleValue(fams, 'container_processes', id)).toBe(2)
    expect(sampleValue(fams, 'container_file_descriptors', id)).toBe(4)
    expect(sampleValue(fams, 'container_sockets', id)).toBe(2)
    // the lowest PID is the root process
    expect(sampleValue(fams, 'container_ulimits_soft', { ...id, ulimit: 'max_open_files' })).toBe(1048576)
    expect(sampleValue(fams, 'container_last_seen', id)).toBe(1_700_000_000)
    const noProc = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: root.root, args: ['--collector.containers.extended'] })
    expect(samplesOf(noProc, 'container_file_descriptors')).toEqual([])
    expect(samplesOf(noProc, 'container_sockets')).toEqual([])
    expect(samplesOf(noProc, 'container_ulimits_soft')).toEqual([])
  })

  it('extended: an unlimited root ulimit is -1', async () => {
    const rel = scope(hex('a'))
    const sys = v2({ [rel]: {} }).file(`fs/cgroup${rel}/cgroup.procs`, '7\n')
    const proc = tree().file('7/limits', 'Max open files            unlimited            unlimited            files\n').dir('7/fd')
    const fams = await collectFrom(containersCollector, {
      sysfs: sys.root,
      procfs: proc.root,
      rootfs: identities(pc(hex('a'), 'app')).root,
      args: ['--collector.containers.extended'],
    })
    expect(sampleValue(fams, 'container_ulimits_soft', { id: rel, ulimit: 'max_open_files' })).toBe(-1)
    expect(sampleValue(fams, 'container_file_descriptors', { id: rel })).toBe(0)
  })

  it('v2: odin_pod_oom_kills_total is the pod cgroup memory.events oom_kill', async () => {
    const sys = v2({ [scope(hex('a'))]: {} }).file(`fs/cgroup${slice(UID)}/memory.events`, 'low 0\nhigh 0\nmax 3\noom 4\noom_kill 4\n')
    const fams = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: identities(pc(hex('a'), 'app')).root })
    expect(samplesOf(fams, 'odin_pod_oom_kills_total')).toEqual([{ labels: { namespace: 'shop', pod: 'web-0', uid: UID }, value: 4 }])
  })

  it('v1: odin_pod_oom_kills_total sums the containers and keeps a killed container that is gone', async () => {
    const pod = `/kubepods/burstable/pod${UID}`
    const v1 = (t: TempTree, id: string, oom: number) =>
      t
        .file(`fs/cgroup/memory${pod}/${id}/memory.usage_in_bytes`, '10\n')
        .file(`fs/cgroup/memory${pod}/${id}/memory.stat`, 'total_rss 1\n')
        .file(`fs/cgroup/memory${pod}/${id}/memory.oom_control`, `oom_kill_disable 0\nunder_oom 0\noom_kill ${oom}\n`)
    const sys = tree()
    v1(v1(sys, hex('a'), 2), hex('b'), 1)
    const root = identities(pc(hex('a'), 'app'), pc(hex('b'), 'side'), pc(hex('c'), 'app', { restarts: 1 }))
    const [collector, ctx] = instanceWithContext(containersCollector, { sysfs: sys.root, rootfs: root.root })
    expect(sampleValue(await collector.collect(ctx), 'odin_pod_oom_kills_total')).toBe(3)
    // the OOM-killed container's cgroup goes; its replacement starts at 0
    rmSync(sys.path('fs', 'cgroup', 'memory', pod, hex('a')), { recursive: true })
    v1(sys, hex('c'), 0)
    const after = await collector.collect(ctx)
    expect(containerIds(after)).toEqual([`${pod}/${hex('b')}`, `${pod}/${hex('c')}`])
    expect(sampleValue(after, 'odin_pod_oom_kills_total', { uid: UID })).toBe(3)
  })

  it('v1: the kernel log adds kills in containers removed before a tick read their counter, never one a counter saw', async () => {
    const pod = `/kubepods/burstable/pod${UID}`
    const v1 = (t: TempTree, id: string, oom: number) =>
      t
        .file(`fs/cgroup/memory${pod}/${id}/memory.usage_in_bytes`, '10\n')
        .file(`fs/cgroup/memory${pod}/${id}/memory.stat`, 'total_rss 1\n')
        .file(`fs/cgroup/memory${pod}/${id}/memory.oom_control`, `oom_kill_disable 0\nunder_oom 0\noom_kill ${oom}\n`)
    const oomLine = (seq: number, memcg: string) =>
      `3,${seq},${seq * 1000},-;oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=${memcg},task_memcg=${memcg},task=tail,pid=${seq},uid=0\n`
    const sys = tree()
    v1(v1(sys, hex('a'), 2), hex('b'), 1)
    const root = identities(pc(hex('a'), 'app'), pc(hex('b'), 'side'))
    // Both kills of a and the one of b, as the counters read them.
    const kmsg = tree().file(
      'kmsg',
      `6,1,10,-;Linux version 6.1\n${oomLine(2, `${pod}/${hex('a')}`)}${oomLine(3, `${pod}/${hex('a')}`)}4,4,40,-;Memory cgroup out of memory: Killed process 3 (tail)\n${oomLine(5, `${pod}/${hex('b')}`)}`,
    )
    const [collector, ctx] = instanceWithContext(containersCollector, { sysfs: sys.root, rootfs: root.root, args: [`--collector.containers.kmsg-path=${kmsg.path('kmsg')}`] })
    expect(sampleValue(await collector.collect(ctx), 'odin_pod_oom_kills_total', { uid: UID })).toBe(3)
    // b is killed again and removed, d comes and goes between two ticks; another pod's kill,
    // a repeated sequence number and a malformed record count nothing here.
    appendFileSync(
      kmsg.path('kmsg'),
      `${oomLine(6, `${pod}/${hex('b')}`)}${oomLine(7, `${pod}/${hex('d')}`)}${oomLine(7, `${pod}/${hex('d')}`)}${oomLine(8, `/kubepods/burstable/pod${'f'.repeat(8)}-ffff-ffff-ffff-${'f'.repeat(12)}/${hex('e')}`)}3,9,90,-;oom-kill:constraint=CONSTRAINT_MEMCG,task_memcg=${pod}/${hex('a')}\n`,
    )
    rmSync(sys.path('fs', 'cgroup', 'memory', pod, hex('b')), { recursive: true })
    const after = await collector.collect(ctx)
    expect(containerIds(after)).toEqual([`${pod}/${hex('a')}`])
    expect(sampleValue(after, 'odin_pod_oom_kills_total', { uid: UID })).toBe(5) // a 2 (counter and log), b 2 (log), d 1 (log)
  })

  it('v1: an unreadable kernel log leaves the counters as the only source, with no error', async () => {
    const pod = `/kubepods/burstable/pod${UID}`
    const sys = tree()
      .file(`fs/cgroup/memory${pod}/${hex('a')}/memory.usage_in_bytes`, '10\n')
      .file(`fs/cgroup/memory${pod}/${hex('a')}/memory.stat`, 'total_rss 1\n')
      .file(`fs/cgroup/memory${pod}/${hex('a')}/memory.oom_control`, 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n')
    const [collector, ctx] = instanceWithContext(containersCollector, {
      sysfs: sys.root,
      rootfs: identities(pc(hex('a'), 'app')).root,
      args: ['--collector.containers.kmsg-path=/nonexistent/kmsg'],
    })
    expect(sampleValue(await collector.collect(ctx), 'odin_pod_oom_kills_total', { uid: UID })).toBe(2)
    expect(sampleValue(await collector.collect(ctx), 'odin_pod_oom_kills_total', { uid: UID })).toBe(2)
  })

  it('drops a container whose cgroup vanished, for the tick, with no error', async () => {
    // cpu.stat gone: the directory was removed between the walk and the read
    const sys = v2({ [scope(hex('a'))]: {}, [scope(hex('b'))]: { omit: ['cpu.stat', 'memory.current', 'memory.stat'] } })
    const fams = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: identities(pc(hex('a'), 'app'), pc(hex('b'), 'side')).root })
    expect(containerIds(fams)).toEqual([scope(hex('a'))])
  })

  it('drops only the memory families when memory.current is malformed', async () => {
    const sys = v2({ [scope(hex('a'))]: { current: 'garbage\n' } })
    const fams = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: identities(pc(hex('a'), 'app')).root })
    expect(samplesOf(fams, 'container_memory_usage_bytes')).toEqual([])
    expect(sampleValue(fams, 'container_cpu_usage_seconds_total')).toBe(1)
    expect(sampleValue(fams, 'container_oom_events_total')).toBe(1)
  })

  it('a malformed config.json, a symlink loop or a truncated log link costs only that container its identity', async () => {
    const [a, b, c, d] = [hex('a'), hex('b'), hex('c'), hex('d')]
    const sys = v2({ [scope(a)]: {}, [scope(b)]: {}, [scope(c)]: {}, [scope(d)]: {} })
    const root = identities(pc(a, 'ok'))
    root.file(`run/containerd/io.containerd.runtime.v2.task/k8s.io/${b}/config.json`, '{"annotations": {"io.kubernetes.cri.container-type": ')
    root.link(`run/containerd/io.containerd.runtime.v2.task/k8s.io/${c}/config.json`, 'config.json')
    root.link(`var/log/containers/web-0_shop_trunc-${d.slice(0, 30)}`, `/var/log/pods/shop_web-0_${UID}/trunc/0.log`)
    const fams = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: root.root })
    expect(containerIds(fams)).toEqual([scope(a)])
    expect(sampleValue(fams, 'odin_containers', { state: 'unresolved' })).toBe(3)
    expect(sampleValue(fams, 'odin_containers', { state: 'resolved' })).toBe(1)
  })

  it('counts a pod sandbox and exports none of its series', async () => {
    const [a, s] = [hex('a'), hex('5')]
    const sys = v2({ [scope(a)]: {}, [scope(s)]: {} })
    const fams = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: identities(pc(a, 'app'), pc(s, '', { sandbox: true })).root })
    expect(containerIds(fams)).toEqual([scope(a)])
    expect(sampleValue(fams, 'odin_containers', { state: 'sandbox' })).toBe(1)
  })

  it('puts pod network on the sandbox from /proc/<pid>/net/dev, skipping lo/veth/docker and host-network pods', async () => {
    const [a, s, h] = [hex('a'), hex('5'), hex('6')]
    const HOST_UID = '99999999-bbbb-cccc-dddd-eeeeeeeeeeee'
    const sys = v2({ [scope(a)]: {}, [scope(s)]: {}, [scope(h, HOST_UID)]: {} })
      .file(`fs/cgroup${scope(s)}/cgroup.procs`, '4242\n')
      .file(`fs/cgroup${scope(h, HOST_UID)}/cgroup.procs`, '4343\n')
    const dev = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0',
      '  eth0:    1000      10    1    2    0     0          0         0     2000      20    3    4    0     0       0          0',
      'veth12:       5       5    0    0    0     0          0         0        5       5    0    0    0     0       0          0',
      '',
    ].join('\n')
    const proc = tree()
      .link('1/ns/net', 'net:[4026531840]')
      .link('4242/ns/net', 'net:[4026532999]')
      .file('4242/net/dev', dev)
      .link('4343/ns/net', 'net:[4026531840]')
      .file('4343/net/dev', dev)
    const root = identities(pc(a, 'app'), pc(s, '', { sandbox: true, image: 'registry.k8s.io/pause:3.10' }), pc(h, '', { sandbox: true, uid: HOST_UID, pod: 'host-net' }))
    const fams = await collectFrom(containersCollector, { sysfs: sys.root, procfs: proc.root, rootfs: root.root })
    const rx = samplesOf(fams, 'container_network_receive_bytes_total')
    expect(rx.map((x) => x.labels)).toEqual([{ container: '', id: scope(s), image: 'registry.k8s.io/pause:3.10', name: s, namespace: 'shop', pod: 'web-0', interface: 'eth0' }])
    expect(rx[0]?.value).toBe(1000)
    const v = (name: string) => sampleValue(fams, name, { interface: 'eth0' })
    expect([v('container_network_receive_packets_total'), v('container_network_receive_errors_total'), v('container_network_receive_packets_dropped_total')]).toEqual([10, 1, 2])
    expect([
      v('container_network_transmit_bytes_total'),
      v('container_network_transmit_packets_total'),
      v('container_network_transmit_errors_total'),
      v('container_network_transmit_packets_dropped_total'),
    ]).toEqual([2000, 20, 3, 4])
    expect(sampleValue(fams, 'odin_containers', { state: 'sandbox' })).toBe(2)
  })

  it('caps containers deterministically, keeps exposed ones in place and counts the drops', async () => {
    const [b, c, d, a] = [hex('b'), hex('c'), hex('d'), hex('a')]
    const sys = v2({ [scope(b)]: {}, [scope(c)]: {}, [scope(d)]: {} })
    const root = identities(pc(a, 'a'), pc(b, 'b'), pc(c, 'c'), pc(d, 'd'))
    const [collector, ctx] = instanceWithContext(containersCollector, { sysfs: sys.root, rootfs: root.root, args: ['--collector.containers.max-containers=2'] })
    const first = await collector.collect(ctx)
    expect(containerIds(first)).toEqual([scope(b), scope(c)])
    expect(sampleValue(first, 'odin_containers', { state: 'dropped' })).toBe(1)
    expect(sampleValue(first, 'odin_series_dropped_total', { collector: 'containers' })).toBe(11)
    // a new container that sorts first does not push out the two already exposed
    sys
      .file(`fs/cgroup${scope(a)}/cpu.stat`, 'usage_usec 1\n')
      .file(`fs/cgroup${scope(a)}/memory.current`, '1\n')
      .file(`fs/cgroup${scope(a)}/memory.stat`, 'anon 1\n')
    const second = await collector.collect(ctx)
    expect(containerIds(second)).toEqual([scope(b), scope(c)])
    expect(sampleValue(second, 'odin_containers', { state: 'dropped' })).toBe(2)
    expect(sampleValue(second, 'odin_series_dropped_total', { collector: 'containers' })).toBe(11 + 22)
  })

  it('a restart (new scope, <N>.log) shows the new count and the old container is gone', async () => {
    const [old, next] = [hex('1'), hex('2')]
    const sys = v2({ [scope(old)]: {} })
    const root = identities(pc(old, 'app', { restarts: 0 }))
    const [collector, ctx] = instanceWithContext(containersCollector, { sysfs: sys.root, rootfs: root.root })
    const before = await collector.collect(ctx)
    expect(sampleValue(before, 'odin_container_restarts_total', { container: 'app' })).toBe(0)
    sys.dispose()
    const sys2 = v2({ [scope(next)]: {} })
    writeIdentity(root, pc(next, 'app', { restarts: 1 }))
    const after = await collector.collect({ ...ctx, fs: contextFor(containersCollector, { sysfs: sys2.root, rootfs: root.root }).fs })
    expect(sampleValue(after, 'odin_container_restarts_total', { container: 'app' })).toBe(1)
    expect(containerIds(after)).toEqual([scope(next)])
  })

  it('v1 blkio: runc order (a BFQ group with data wins over the throttle files), remembered across ticks; an idle container has no fs series', async () => {
    const pod = `/kubepods/burstable/pod${UID}`
    const sys = tree()
    for (const id of [hex('a'), hex('b')]) {
      sys.file(`fs/cgroup/memory${pod}/${id}/memory.usage_in_bytes`, '10\n').file(`fs/cgroup/memory${pod}/${id}/memory.stat`, 'total_rss 1\n')
      sys.file(`fs/cgroup/blkio${pod}/${id}/blkio.bfq.io_serviced_recursive`, 'Total 0\n').file(`fs/cgroup/blkio${pod}/${id}/blkio.throttle.io_serviced`, 'Total 0\n')
    }
    const a = `fs/cgroup/blkio${pod}/${hex('a')}`
    sys
      .file(`${a}/blkio.bfq.io_serviced_recursive`, '8:0 Read 7\n8:0 Write 8\nTotal 15\n')
      .file(`${a}/blkio.bfq.io_service_bytes_recursive`, '8:0 Read 700\n8:0 Write 800\nTotal 1500\n')
      .file(`${a}/blkio.throttle.io_serviced`, '8:0 Read 9\n8:0 Write 9\nTotal 18\n')
      .file(`${a}/blkio.throttle.io_service_bytes`, '8:0 Read 900\n8:0 Write 900\nTotal 1800\n')
      .file('block/sda/dev', '8:0\n')
    const [collector, ctx] = instanceWithContext(containersCollector, { sysfs: sys.root, rootfs: identities(pc(hex('a'), 'app'), pc(hex('b'), 'idle')).root })
    for (let tick = 0; tick < 2; tick++) {
      const fams = await collector.collect(ctx)
      expect(samplesOf(fams, 'container_fs_reads_bytes_total').map((x) => [x.labels.container, x.labels.device, x.value])).toEqual([['app', '/dev/sda', 700]])
      expect(sampleValue(fams, 'container_fs_writes_total', { container: 'app' })).toBe(8)
    }
    // the idle container does IO later: seen on the next tick
    sys.file(`fs/cgroup/blkio${pod}/${hex('b')}/blkio.throttle.io_serviced`, '8:0 Read 1\n8:0 Write 0\nTotal 1\n')
    expect(sampleValue(await collector.collect(ctx), 'container_fs_reads_total', { container: 'idle' })).toBe(1)
  })

  it('v1 without a blkio hierarchy drops only the fs families', async () => {
    const rel = `/kubepods/burstable/pod${UID}/${hex('a')}`
    const sys = tree()
      .file(`fs/cgroup/memory${rel}/memory.usage_in_bytes`, '1000\n')
      .file(`fs/cgroup/memory${rel}/memory.stat`, 'rss 10\ncache 20\nswap 0\ntotal_rss 700\ntotal_cache 200\ntotal_swap 5\ntotal_inactive_file 50\n')
      .file(`fs/cgroup/memory${rel}/memory.use_hierarchy`, '1\n')
      .file(`fs/cgroup/memory${rel}/memory.limit_in_bytes`, '9223372036854771712\n')
      .file(`fs/cgroup/memory${rel}/memory.oom_control`, 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n')
      .file(`fs/cgroup/cpu,cpuacct${rel}/cpuacct.usage`, '2500000000\n')
      .file(`fs/cgroup/cpu,cpuacct${rel}/cpu.stat`, 'nr_periods 40\nnr_throttled 4\nthrottled_time 3000000000\n')
      .file(`fs/cgroup/cpu,cpuacct${rel}/cpu.cfs_quota_us`, '50000\n')
      .file(`fs/cgroup/cpu,cpuacct${rel}/cpu.cfs_period_us`, '100000\n')
    const fams = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: identities(pc(hex('a'), 'app')).root, now: () => Date.now() })
    const values = Object.fromEntries(fams.filter((f) => f.name.startsWith('container_')).map((f) => [f.name, f.samples[0]?.value]))
    expect(values).toEqual({
      container_cpu_usage_seconds_total: 2.5,
      container_cpu_cfs_periods_total: 40,
      container_cpu_cfs_throttled_periods_total: 4,
      container_cpu_cfs_throttled_seconds_total: 3,
      container_memory_cache: 200,
      container_memory_rss: 700,
      container_memory_swap: 5,
      container_memory_usage_bytes: 1000,
      container_memory_working_set_bytes: 950,
      container_oom_events_total: 2,
      container_spec_cpu_period: 100000,
      container_spec_cpu_quota: 50000,
      container_spec_memory_limit_bytes: 0,
      container_start_time_seconds: expect.any(Number),
    })
  })
})
