import { readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { containersCollector } from '../../src/collectors/containers.ts'
import { parsePressure } from '../../src/procfs/pressure.ts'
import { classifyCgroupPath } from '../../src/procfs/cgroup-path.ts'
import type { MetricFamily } from '../../src/metrics/types.ts'
import { collectFrom, samplesOf, sampleValue } from '../helpers/collect.ts'
import { HAVE_PEER, PEER_CADVISOR, TempTree, writeIdentity } from '../helpers/containers.ts'

/**
 * The collector over each real cgroup tree in ../shared/peer/cadvisor. Every expected
 * value is worked out here from the fixture's own files with cAdvisor's formulas
 * (lib/container/libcontainer/handler.go over opencontainers/cgroups), written as the
 * arithmetic so that the formula is visible.
 */

const trees: TempTree[] = []
afterAll(() => trees.forEach((t) => t.dispose()))
function tree(): TempTree {
  const t = new TempTree()
  trees.push(t)
  return t
}

/** Every sample of the container with this id, by family name (one sample per family unless per device). */
function byFamily(families: readonly MetricFamily[], id: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const f of families) {
    for (const s of f.samples) {
      if (s.labels.id !== id) continue
      const key = s.labels.device === undefined ? f.name : `${f.name}{device="${s.labels.device}"}`
      out[key] = s.value
    }
  }
  return out
}

/** The lowest mtime of the cgroup directory and its marker file over every hierarchy, in whole seconds. */
function startTime(hierarchies: readonly string[], rel: string, marker: string): number {
  let lowest = Number.POSITIVE_INFINITY
  for (const h of hierarchies) {
    for (const p of [join(h, rel), join(h, rel, marker)]) {
      try {
        lowest = Math.min(lowest, statSync(p).mtimeMs / 1000)
      } catch {
        // absent in this hierarchy
      }
    }
  }
  return Math.floor(lowest)
}

const NOW = () => Date.now()

describe.skipIf(!HAVE_PEER)('containers collector over the cAdvisor peer fixtures', () => {
  const P = PEER_CADVISOR

  describe('elastic/amzn2: cgroup v1, EKS, systemd driver, containerd, joint cpu,cpuacct', () => {
    const ID = '1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496'
    const UID = '7a96c459-d529-44ae-9f99-90d3798d6426'
    const REL = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replaceAll('-', '_')}.slice/cri-containerd-${ID}.scope`
    const sysfs = join(P, 'elastic', 'amzn2', 'sys')
    const procfs = join(P, 'elastic', 'amzn2', 'proc')

    it('gives every default family the value cAdvisor computes from the same files', async () => {
      const root = tree()
      writeIdentity(root, {
        id: ID,
        namespace: 'kube-system',
        pod: 'aws-node-abcde',
        uid: UID,
        container: 'aws-node',
        image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.7.5',
        restarts: 2,
      })
      const families = await collectFrom(containersCollector, { sysfs, procfs, rootfs: root.root, now: NOW })
      const cg = join(sysfs, 'fs', 'cgroup')
      const hierarchies = ['blkio', 'cpu,cpuacct', 'cpuset', 'devices', 'freezer', 'hugetlb', 'memory', 'net_cls,net_prio', 'perf_event', 'pids', 'systemd'].map((h) => join(cg, h))
      expect(byFamily(families, REL)).toEqual({
        // cpuacct.usage ns / 1e9
        container_cpu_usage_seconds_total: 124659500367000 / 1e9,
        // memory.usage_in_bytes
        container_memory_usage_bytes: 1215860736,
        // usage - total_inactive_file
        container_memory_working_set_bytes: 1215860736 - 78557184,
        // use_hierarchy 1: total_rss, total_cache, total_swap
        container_memory_rss: 1119465472,
        container_memory_cache: 78397440,
        container_memory_swap: 0,
        // memory.oom_control oom_kill
        container_oom_events_total: 0,
        // cpu.cfs_period_us; cpu.cfs_quota_us is -1: no quota series and no cfs families
        container_spec_cpu_period: 100000,
        // memory.limit_in_bytes
        container_spec_memory_limit_bytes: 2147483648,
        container_start_time_seconds: startTime(hierarchies, REL, 'cgroup.clone_children'),
        // bfq files hold only "Total 0", no CFQ files: blkio.throttle.*_recursive, Read/Write of 259:0
        // (no /sys/block in the fixture, so the device is "" as cAdvisor's namer gives for an unknown number)
        'container_fs_reads_bytes_total{device=""}': 3448832,
        'container_fs_writes_bytes_total{device=""}': 25203200,
        'container_fs_reads_total{device=""}': 59,
        'container_fs_writes_total{device=""}': 5048,
      })
      expect(samplesOf(families, 'container_cpu_usage_seconds_total')[0]?.labels).toEqual({
        container: 'aws-node',
        id: REL,
        image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.7.5',
        name: ID,
        namespace: 'kube-system',
        pod: 'aws-node-abcde',
        cpu: 'total',
      })
      expect(samplesOf(families, 'odin_container_info')[0]?.labels).toEqual({
        namespace: 'kube-system',
        pod: 'aws-node-abcde',
        container: 'aws-node',
        uid: UID,
        container_id: ID,
        image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.7.5',
        qos_class: 'burstable',
        runtime: 'containerd',
      })
      expect(sampleValue(families, 'odin_container_restarts_total', { container: 'aws-node' })).toBe(2)
      expect(sampleValue(families, 'odin_containers', { state: 'resolved' })).toBe(1)
      expect(JSON.stringify(families)).not.toContain('s3cr3t')
    })

    it('counts the container as unresolved, and exports none of its series, without identity files', async () => {
      const families = await collectFrom(containersCollector, { sysfs, procfs, rootfs: tree().root })
      expect(families.filter((f) => f.name.startsWith('container_'))).toEqual([])
      expect(sampleValue(families, 'odin_containers', { state: 'unresolved' })).toBe(1)
      expect(sampleValue(families, 'odin_containers', { state: 'resolved' })).toBe(0)
    })

    it('names a container from the kubelet log tree alone, with image "unknown"', async () => {
      const root = tree()
      writeIdentity(root, { id: ID, namespace: 'kube-system', pod: 'aws-node-abcde', uid: UID, container: 'aws-node', runtime: 'none', restarts: 0 })
      const families = await collectFrom(containersCollector, { sysfs, procfs, rootfs: root.root })
      expect(samplesOf(families, 'container_memory_rss')[0]?.labels).toMatchObject({ container: 'aws-node', pod: 'aws-node-abcde', image: 'unknown' })
      expect(sampleValue(families, 'odin_container_restarts_total')).toBe(0)
    })
  })

  describe('elastic/docker: cgroup v1, Docker cgroupfs driver, separate cpu and cpuacct hierarchies', () => {
    const ID = 'b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242'
    const REL = `/docker/${ID}`
    const sysfs = join(P, 'elastic', 'docker', 'sys')

    it('reads a bare Docker container named by config.v2.json', async () => {
      const root = tree().file(
        `var/lib/docker/containers/${ID}/config.v2.json`,
        JSON.stringify({ Name: '/trainer', Config: { Image: 'pytorch/pytorch:2.5', Env: ['HF_TOKEN=s3cr3t'] } }),
      )
      const families = await collectFrom(containersCollector, { sysfs, procfs: join(P, 'elastic', 'docker', 'proc'), rootfs: root.root, now: NOW })
      const cg = join(sysfs, 'fs', 'cgroup')
      const hierarchies = ['blkio', 'cpu', 'cpuacct', 'cpuset', 'memory', 'system.slice'].map((h) => join(cg, h))
      expect(byFamily(families, REL)).toEqual({
        container_cpu_usage_seconds_total: 95996653175 / 1e9,
        container_memory_usage_bytes: 295997440,
        container_memory_working_set_bytes: 295997440 - 40108032,
        // use_hierarchy 0: the local rss, cache, swap keys
        container_memory_rss: 230662144,
        container_memory_cache: 65101824,
        container_memory_swap: 0,
        // memory.oom_control has no oom_kill line (kernel before 4.13): no container_oom_events_total
        container_spec_cpu_period: 100000,
        // 9223372036854771712 is above 2^62: unlimited, 0
        container_spec_memory_limit_bytes: 0,
        container_start_time_seconds: startTime(hierarchies, REL, 'cgroup.clone_children'),
        // only blkio.throttle.io_serviced / io_service_bytes exist; devices 7:0, 253:0 and 253:1 have
        // no /sys/block entry in the fixture, so all three are device="" and summed into one series
        'container_fs_reads_bytes_total{device=""}': 4608 + 4608 + 1638912,
        'container_fs_writes_bytes_total{device=""}': 0,
        'container_fs_reads_total{device=""}': 2 + 2 + 42,
        'container_fs_writes_total{device=""}': 0,
      })
      expect(samplesOf(families, 'container_memory_rss')[0]?.labels).toEqual({ container: '', id: REL, image: 'pytorch/pytorch:2.5', name: 'trainer', namespace: '', pod: '' })
      expect(JSON.stringify(families)).not.toContain('s3cr3t')
    })
  })

  describe('telegraf-v2: a real cgroup v2 directory placed in a unified kubepods tree', () => {
    const ID = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
    const UID = '11111111-2222-3333-4444-555555555555'
    const REL = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replaceAll('-', '_')}.slice/cri-containerd-${ID}.scope`

    it('gives every default family, CFS included (cpu.max has a quota), the value cAdvisor computes', async () => {
      const sys = tree()
        .file('fs/cgroup/cgroup.controllers', 'cpuset cpu io memory hugetlb pids rdma misc\n')
        .copy(join(P, 'telegraf-v2'), `fs/cgroup${REL}`)
        .file('block/nvme0n1/dev', '259:8\n')
      const root = tree()
      writeIdentity(root, { id: ID, namespace: 'ml', pod: 'trainer-0', uid: UID, container: 'trainer', image: 'nvcr.io/nvidia/pytorch:24.05-py3', restarts: 1 })
      const families = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: root.root, now: NOW })
      expect(byFamily(families, REL)).toEqual({
        // cpu.stat usage_usec * 1000 / 1e9
        container_cpu_usage_seconds_total: (98701325189 * 1000) / 1e9,
        // cpu.max "4800000 100000": quota set, so the cpu.stat CFS counters
        container_cpu_cfs_periods_total: 3936904,
        container_cpu_cfs_throttled_periods_total: 6004,
        container_cpu_cfs_throttled_seconds_total: (19175137007 * 1000) / 1e9,
        container_spec_cpu_period: 100000,
        container_spec_cpu_quota: 4800000,
        // memory.current; working set = current - inactive_file; rss = anon; cache = file; swap = memory.swap.current
        container_memory_usage_bytes: 13071106048,
        container_memory_working_set_bytes: 13071106048 - 2935459840,
        container_memory_rss: 2471755776,
        container_memory_cache: 8532865024,
        container_memory_swap: 0,
        // memory.events oom_kill
        container_oom_events_total: 0,
        // memory.max
        container_spec_memory_limit_bytes: 103079215104,
        container_start_time_seconds: startTime([sys.path('fs', 'cgroup')], REL, 'cgroup.events'),
        // io.stat 259:8, named from /sys/block/nvme0n1/dev
        'container_fs_reads_bytes_total{device="/dev/nvme0n1"}': 74526720,
        'container_fs_writes_bytes_total{device="/dev/nvme0n1"}': 3789381632,
        'container_fs_reads_total{device="/dev/nvme0n1"}': 2936,
        'container_fs_writes_total{device="/dev/nvme0n1"}': 181928,
      })
    })
  })

  describe('telegraf-v2 with --collector.containers.pressure', () => {
    it('adds the PSI families: "some" total as waiting, "full" as stalled, microseconds to seconds', async () => {
      const REL = `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${'2'.repeat(32)}.slice/cri-containerd-${'f'.repeat(64)}.scope`
      const sys = tree().file('fs/cgroup/cgroup.controllers', 'cpu io memory\n').copy(join(P, 'telegraf-v2'), `fs/cgroup${REL}`)
      const root = tree()
      writeIdentity(root, { id: 'f'.repeat(64), namespace: 'ml', pod: 'p', uid: '2'.repeat(32), container: 'c', image: 'i', restarts: 0 })
      const families = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: root.root, args: ['--collector.containers.pressure'] })
      const got = byFamily(families, REL)
      expect(Object.fromEntries(Object.entries(got).filter(([k]) => k.startsWith('container_pressure_')))).toEqual({
        container_pressure_cpu_waiting_seconds_total: 293391454 / 1e6,
        container_pressure_cpu_stalled_seconds_total: 277111656 / 1e6,
        container_pressure_memory_waiting_seconds_total: 250773 / 1e6,
        container_pressure_memory_stalled_seconds_total: 250662 / 1e6,
        container_pressure_io_waiting_seconds_total: 185162400 / 1e6,
        container_pressure_io_stalled_seconds_total: 184607952 / 1e6,
      })
    })
  })

  describe('--collector.containers.extended on the v1 and v2 trees', () => {
    /** Extended families of one container; memory_failures_total keyed by failure_type/scope. */
    const extended = (families: readonly MetricFamily[], id: string) => {
      const out: Record<string, number> = {}
      for (const f of families) {
        if (
          !/^container_(cpu_(user|system)_seconds_total|memory_(mapped_file|failures_total|total_(in)?active_file_bytes|max_usage_bytes|failcnt|kernel_usage)|processes|threads(_max)?|spec_(cpu_shares|memory_(reservation|swap)_limit_bytes)|file_descriptors|sockets|ulimits_soft)$/.test(
            f.name,
          )
        )
          continue
        for (const s of f.samples) {
          if (s.labels.id !== id) continue
          out[s.labels.failure_type === undefined ? f.name : `${f.name}{${s.labels.failure_type},${s.labels.scope}}`] = s.value
        }
      }
      return out
    }

    it('amzn2 (v1, use_hierarchy 1): cpuacct.stat ticks, memory.stat keys, cgroup.procs of the cpu directory', async () => {
      const ID = '1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496'
      const UID = '7a96c459-d529-44ae-9f99-90d3798d6426'
      const REL = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replaceAll('-', '_')}.slice/cri-containerd-${ID}.scope`
      const root = tree()
      writeIdentity(root, { id: ID, namespace: 'kube-system', pod: 'aws-node-abcde', uid: UID, container: 'aws-node', image: 'i', restarts: 0 })
      const families = await collectFrom(containersCollector, {
        sysfs: join(P, 'elastic', 'amzn2', 'sys'),
        procfs: join(P, 'elastic', 'amzn2', 'proc'),
        rootfs: root.root,
        now: NOW,
        args: ['--collector.containers.extended'],
      })
      expect(extended(families, REL)).toEqual({
        // cpuacct.stat "user 10848891" / "system 1516502" in USER_HZ (100) ticks, to ns, to s
        container_cpu_user_seconds_total: (10848891 * 1e9) / 100 / 1e9,
        container_cpu_system_seconds_total: (1516502 * 1e9) / 100 / 1e9,
        // use_hierarchy 1: total_mapped_file; pgfault/pgmajfault (local keys) for both scopes
        container_memory_mapped_file: 0,
        'container_memory_failures_total{pgfault,container}': 116218146,
        'container_memory_failures_total{pgmajfault,container}': 0,
        'container_memory_failures_total{pgfault,hierarchy}': 116218146,
        'container_memory_failures_total{pgmajfault,hierarchy}': 0,
        container_memory_total_active_file_bytes: 0,
        container_memory_total_inactive_file_bytes: 78557184,
        // 12 lines in cpu,cpuacct/.../cgroup.procs
        container_processes: 12,
        // the pids hierarchy: pids.current 177, pids.max "max" → 0
        container_threads: 177,
        container_threads_max: 0,
        container_memory_max_usage_bytes: 1532657664,
        container_memory_failcnt: 0,
        container_memory_kernel_usage: 16584704,
        // cpu,cpuacct/cpu.shares; memory.soft_limit_in_bytes 9223372036854771712 (> 2^62) → 0; memsw 2 GiB
        container_spec_cpu_shares: 102,
        container_spec_memory_reservation_limit_bytes: 0,
        container_spec_memory_swap_limit_bytes: 2147483648,
        // the fixture's proc/493239 has no fd directory or limits file: no descriptor or ulimit series
      })
    })

    it('telegraf-v2: cpu.stat user/system_usec, memory.stat keys, pids.current/pids.max (no cgroup.procs in the fixture)', async () => {
      const ID = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'
      const UID = '11111111-2222-3333-4444-555555555555'
      const REL = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID.replaceAll('-', '_')}.slice/cri-containerd-${ID}.scope`
      const sys = tree().file('fs/cgroup/cgroup.controllers', 'cpu io memory pids\n').copy(join(P, 'telegraf-v2'), `fs/cgroup${REL}`)
      const root = tree()
      writeIdentity(root, { id: ID, namespace: 'ml', pod: 'trainer-0', uid: UID, container: 'trainer', image: 'i', restarts: 0 })
      const families = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: root.root, now: NOW, args: ['--collector.containers.extended'] })
      expect(extended(families, REL)).toEqual({
        container_cpu_user_seconds_total: (61355716211 * 1000) / 1e9,
        container_cpu_system_seconds_total: (37345608977 * 1000) / 1e9,
        container_memory_mapped_file: 14213120,
        'container_memory_failures_total{pgfault,container}': 1973187551,
        'container_memory_failures_total{pgmajfault,container}': 8497,
        'container_memory_failures_total{pgfault,hierarchy}': 1973187551,
        'container_memory_failures_total{pgmajfault,hierarchy}': 8497,
        container_memory_total_active_file_bytes: 5597401088,
        container_memory_total_inactive_file_bytes: 2935459840,
        container_threads: 592,
        container_threads_max: 629145,
        // memory.peak; failcnt and kernel usage are 0 on v2 (runc's fs2 never sets them)
        container_memory_max_usage_bytes: 87302021120,
        container_memory_failcnt: 0,
        container_memory_kernel_usage: 0,
        // cpu.weight 79 → 2 + ((79 − 1) × 262142) / 9999 = 2046 (integer division); memory.min 0, memory.swap.max 0
        container_spec_cpu_shares: 2046,
        container_spec_memory_reservation_limit_bytes: 0,
        container_spec_memory_swap_limit_bytes: 0,
      })
      // without the flag none of them is there
      const plain = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: root.root, now: NOW })
      expect(extended(plain, REL)).toEqual({})
    })
  })

  describe('elastic/docker system.slice: a real cgroup v2 Docker scope (systemd driver)', () => {
    const ID = '1c8fa019edd4b9d4b2856f4932c55929c5c118c808ed5faee9a135ca6e84b039'
    const REL = `/system.slice/docker-${ID}.scope`

    it('reads memory.max "max" as 0, cpu.max "max" as no quota and memory.events oom_kill', async () => {
      const sys = tree()
        .file('fs/cgroup/cgroup.controllers', 'cpu io memory pids\n')
        .copy(join(P, 'elastic', 'docker', 'sys', 'fs', 'cgroup', 'system.slice', `docker-${ID}.scope`), `fs/cgroup${REL}`)
      const root = tree().file(`var/lib/docker/containers/${ID}/config.v2.json`, JSON.stringify({ Name: '/jupyter', Config: { Image: 'jupyter/scipy-notebook' } }))
      const families = await collectFrom(containersCollector, { sysfs: sys.root, rootfs: root.root, now: NOW })
      expect(byFamily(families, REL)).toEqual({
        container_cpu_usage_seconds_total: (26772130245 * 1000) / 1e9,
        container_spec_cpu_period: 100000,
        container_memory_usage_bytes: 9125888,
        container_memory_working_set_bytes: 9125888 - 270336,
        container_memory_rss: 411045888,
        container_memory_cache: 0,
        container_memory_swap: 0,
        container_oom_events_total: 1,
        container_spec_memory_limit_bytes: 0,
        container_start_time_seconds: startTime([sys.path('fs', 'cgroup')], REL, 'cgroup.events'),
        'container_fs_reads_bytes_total{device=""}': 512 + 1024,
        'container_fs_writes_bytes_total{device=""}': 4096 + 4096,
        'container_fs_reads_total{device=""}': 100 + 1,
        'container_fs_writes_total{device=""}': 1 + 1,
      })
    })
  })

  describe('real /proc/<pid>/cgroup files', () => {
    const classes = (file: string) =>
      readFileSync(join(P, 'elastic', file), 'utf8')
        .split('\n')
        .filter((line) => line !== '' && line !== '0::/') // the unified root line of a hybrid host
        .map((line) => classifyCgroupPath(line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1)))
    it('amzn2: every controller line names the EKS container', () => {
      const got = classes('amzn2/proc/493239/cgroup')
      expect(got.length).toBeGreaterThan(5)
      for (const c of got)
        expect(c).toMatchObject({
          kind: 'container',
          containerId: '1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496',
          podUid: '7a96c459-d529-44ae-9f99-90d3798d6426',
          qos: 'burstable',
        })
    })
    it('docker: the v2 line names the Docker scope', () => {
      expect(classes('docker/proc/312/cgroup')).toEqual([
        { kind: 'container', containerId: '1c8fa019edd4b9d4b2856f4932c55929c5c118c808ed5faee9a135ca6e84b039', runtime: 'docker', podUid: undefined, qos: undefined },
      ])
    })
    it('docker2: a session scope seen through a cgroup namespace ("../") is no container', () => {
      expect(classes('docker2/proc/2233801/cgroup')).toEqual([{ kind: 'other' }])
    })
  })

  describe('cgroup v2 PSI files (the parser --collector.containers.pressure will use)', () => {
    it.each([
      ['cpu.pressure', 293391454, 277111656],
      ['memory.pressure', 250773, 250662],
      ['io.pressure', 185162400, 184607952],
    ])('%s: some and full totals in microseconds', (file, some, full) => {
      const p = parsePressure(readFileSync(join(P, 'telegraf-v2', file), 'utf8'), file)
      expect([p.some?.totalMicroseconds, p.full?.totalMicroseconds]).toEqual([some, full])
    })
  })

  describe('trees without a container', () => {
    it.each([
      ['docker2 (v2, a session scope only)', join('elastic', 'docker2', 'sys')],
      ['ubuntu1804 (hybrid, a system service only)', join('elastic', 'ubuntu1804', 'sys')],
    ])('%s: idle with no error (NoDataError)', async (_n, sysfs) => {
      await expect(collectFrom(containersCollector, { sysfs: join(P, sysfs) })).rejects.toMatchObject({ name: 'NoDataError' })
    })
  })
})
