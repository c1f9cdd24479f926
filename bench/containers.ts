/**
 * Containers collector benchmark: CPU per sampler tick of --collector.containers with 0
 * and with 100 containers (40 pods) on cgroup v1, and the difference per container.
 *
 *   npx bun bench/containers.ts [--ticks 200] [--real] [--extended]
 *
 * Default: fake trees (plain directories holding the v1 files cAdvisor reads, four
 * hierarchies, plus 60 systemd services the walk must pass). With --real (root, cgroup v1
 * host): real kernel cgroups made with mkdir under /sys/fs/cgroup/{memory,cpu,cpuacct,blkio}/
 * odin-bench-<pid>/, removed at the end. Either way the identity files (containerd
 * config.json, kubelet log links) are in a temporary rootfs. CPU is process.cpuUsage()
 * over `ticks` collects after 10 warm-up ticks (spec files are then cached, as in steady
 * state); the run is repeated 3 times and the median reported, since the machine is shared.
 *
 * Instruction counts, steadier than CPU time on a shared machine: run one tree at two tick
 * counts under perf and divide the difference by the extra ticks (3 x the tick difference):
 *   perf stat -x, -e instructions:u npx bun bench/containers.ts --containers 100 --ticks 50
 *   perf stat -x, -e instructions:u npx bun bench/containers.ts --containers 100 --ticks 250
 */
import { mkdirSync, mkdtempSync, rmSync, rmdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { containersCollector } from '../src/collectors/containers.ts'
import { createCollectors } from '../src/collectors/create.ts'
import type { CollectContext, Collector } from '../src/collectors/types.ts'
import { parseAgentArgs } from '../src/config/config.ts'
import { silentLogger } from '../src/log/logger.ts'
import { execFileNoShell } from '../src/platform/exec.ts'
import { createHostFS } from '../src/platform/host-fs.ts'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`)
  return i > 0 ? Number(process.argv[i + 1]) : fallback
}
const TICKS = arg('ticks', 200)
const REAL = process.argv.includes('--real')
/** --collector.containers.extended on (its extra reads per container). */
const EXTENDED = process.argv.includes('--extended')
/** --containers N: measure only a tree of N containers (for perf stat instruction counts). */
const ONLY = arg('containers', -1)
const CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'blkio']
const cleanups: (() => void)[] = []
process.on('SIGINT', () => {
  cleanups.reverse().forEach((c) => c())
  process.exit(130)
})

const hex = (n: number, len: number) => n.toString(16).padStart(len, '0')
const uidOf = (p: number) => `${hex(p, 8)}-0000-4000-8000-${hex(p, 12)}`
const idOf = (c: number) => hex(c + 1, 64)

function write(path: string, text: string) {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}

const V1_FILES: Record<string, Record<string, string>> = {
  memory: {
    'memory.usage_in_bytes': '104857600\n',
    'memory.stat': `${['cache 1', 'rss 2', 'rss_huge 0', 'shmem 0', 'mapped_file 0', 'swap 0', 'pgpgin 1', 'pgpgout 1', 'pgfault 1', 'pgmajfault 0', 'inactive_anon 0', 'active_anon 0', 'inactive_file 0', 'active_file 0', 'unevictable 0', 'hierarchical_memory_limit 9223372036854771712', 'total_cache 20971520', 'total_rss 83886080', 'total_swap 0', 'total_inactive_file 10485760', 'total_active_file 1'].join('\n')}\n`,
    'memory.limit_in_bytes': '536870912\n',
    'memory.use_hierarchy': '1\n',
    'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
    'cgroup.clone_children': '0\n',
  },
  cpu: { 'cpu.stat': 'nr_periods 10\nnr_throttled 1\nthrottled_time 1000\n', 'cpu.cfs_quota_us': '50000\n', 'cpu.cfs_period_us': '100000\n', 'cgroup.clone_children': '0\n' },
  cpuacct: { 'cpuacct.usage': '123456789\n', 'cgroup.clone_children': '0\n' },
  blkio: {
    'blkio.throttle.io_serviced': '8:0 Read 1\n8:0 Write 2\n8:0 Total 3\nTotal 3\n',
    'blkio.throttle.io_service_bytes': '8:0 Read 4096\n8:0 Write 8192\n8:0 Total 12288\nTotal 12288\n',
    'cgroup.clone_children': '0\n',
  },
}

/** Builds the cgroup trees and identity rootfs; returns the sysfs root per container count. */
function build(containers: number): { sysfs: string; rootfs: string } {
  const rootfs = mkdtempSync(join(tmpdir(), 'odin-bench-root-'))
  cleanups.push(() => rmSync(rootfs, { recursive: true, force: true }))
  let sysfs: string
  let base: (ctrl: string) => string
  if (REAL) {
    sysfs = '/sys'
    base = (ctrl) => `/sys/fs/cgroup/${ctrl}/odin-bench-${process.pid}-${containers}`
  } else {
    sysfs = mkdtempSync(join(tmpdir(), 'odin-bench-sys-'))
    cleanups.push(() => rmSync(sysfs, { recursive: true, force: true }))
    base = (ctrl) => join(sysfs, 'fs', 'cgroup', ctrl)
    for (const ctrl of CONTROLLERS) for (let s = 0; s < 60; s++) mkdirSync(join(base(ctrl), 'system.slice', `svc-${s}.service`), { recursive: true })
  }
  const made: string[] = []
  for (let c = 0; c < containers; c++) {
    const pod = c % 40
    const rel = `kubepods/burstable/pod${uidOf(pod)}/${idOf(c)}`
    for (const ctrl of CONTROLLERS) {
      const dir = join(base(ctrl), rel)
      if (REAL) {
        for (const d of [base(ctrl), join(base(ctrl), 'kubepods'), join(base(ctrl), 'kubepods/burstable'), join(base(ctrl), `kubepods/burstable/pod${uidOf(pod)}`), dir]) {
          if (!existsSync(d)) {
            mkdirSync(d)
            made.push(d)
          }
        }
      } else {
        for (const [name, text] of Object.entries(V1_FILES[ctrl] ?? {})) write(join(dir, name), text)
      }
    }
    const id = idOf(c)
    write(
      join(rootfs, 'run/containerd/io.containerd.runtime.v2.task/k8s.io', id, 'config.json'),
      JSON.stringify({
        annotations: {
          'io.kubernetes.cri.container-type': 'container',
          'io.kubernetes.cri.container-name': `c${c}`,
          'io.kubernetes.cri.sandbox-name': `pod-${pod}`,
          'io.kubernetes.cri.sandbox-namespace': 'bench',
          'io.kubernetes.cri.sandbox-uid': uidOf(pod),
          'io.kubernetes.cri.image-name': 'example/app:1',
        },
      }),
    )
    mkdirSync(join(rootfs, 'var/log/containers'), { recursive: true })
    symlinkSync(`/var/log/pods/bench_pod-${pod}_${uidOf(pod)}/c${c}/0.log`, join(rootfs, 'var/log/containers', `pod-${pod}_bench_c${c}-${id}.log`))
  }
  if (REAL) cleanups.push(() => made.reverse().forEach((d) => rmdirSync(d)))
  return { sysfs, rootfs }
}

/** HostFS calls made, counted: the deterministic half of the cost (CPU time is noisy here). */
const calls = { readFile: 0, readdir: 0, readlink: 0 }

/** One containers collector as the agent creates it, and the context of its ticks. */
function context(sysfs: string, rootfs: string): { collector: Collector; ctx: CollectContext } {
  const { config } = parseAgentArgs(
    [`--path.sysfs=${sysfs}`, `--path.rootfs=${rootfs}`, '--path.procfs=/proc', ...(EXTENDED ? ['--collector.containers.extended'] : [])],
    [containersCollector],
  )
  const [collector] = createCollectors([containersCollector], config)
  const host = createHostFS({ procfs: '/proc', sysfs, rootfs })
  const fs = {
    ...host,
    readFile: (p: string) => (calls.readFile++, host.readFile(p)),
    readdir: (p: string) => (calls.readdir++, host.readdir(p)),
    readlink: (p: string) => (calls.readlink++, host.readlink(p)),
  }
  return {
    collector: collector as Collector,
    ctx: { fs, exec: execFileNoShell, signal: new AbortController().signal, log: silentLogger, now: () => Date.now(), shared: (_k, load) => load() },
  }
}

async function measure({ collector, ctx }: { collector: Collector; ctx: CollectContext }): Promise<{ usPerTick: number; series: number; reads: number }> {
  let series = 0
  let reads = 0
  const tick = async () => {
    try {
      const fams = await collector.collect(ctx)
      series = fams.reduce((n, f) => n + f.samples.length, 0)
    } catch {
      series = 0 // NoDataError with no container
    }
    ctx.fs.endTick()
  }
  for (let i = 0; i < 10; i++) await tick()
  const before = calls.readFile + calls.readdir + calls.readlink
  await tick()
  reads = calls.readFile + calls.readdir + calls.readlink - before
  const runs: number[] = []
  for (let r = 0; r < 3; r++) {
    const start = process.cpuUsage()
    for (let i = 0; i < TICKS; i++) await tick()
    const d = process.cpuUsage(start)
    runs.push((d.user + d.system) / TICKS)
  }
  runs.sort((a, b) => a - b)
  return { usPerTick: runs[1] as number, series, reads }
}

try {
  if (ONLY >= 0) {
    const t = build(ONLY)
    const m = await measure(context(t.sysfs, t.rootfs))
    console.log(`${ONLY} containers: ${(m.usPerTick / 1000).toFixed(3)} ms CPU per tick, ${m.series} series, ${m.reads} HostFS calls per steady tick`)
  } else {
    // The empty case is measured before the 100 containers exist (on --real they share /sys).
    const empty = build(0)
    const zero = await measure(context(empty.sysfs, empty.rootfs))
    const full = build(100)
    report(zero, await measure(context(full.sysfs, full.rootfs)))
  }
} finally {
  cleanups.reverse().forEach((c) => c())
}

function report(zero: { usPerTick: number; series: number; reads: number }, hundred: { usPerTick: number; series: number; reads: number }) {
  const per = (hundred.usPerTick - zero.usPerTick) / 100
  console.log(`containers bench (${REAL ? 'real cgroup v1 directories' : 'fake v1 trees'}, ${TICKS} ticks x 3, median)`)
  console.log(`  0 containers:   ${(zero.usPerTick / 1000).toFixed(3)} ms CPU per tick, ${zero.series} series, ${zero.reads} HostFS calls per steady tick`)
  console.log(`  100 containers: ${(hundred.usPerTick / 1000).toFixed(3)} ms CPU per tick, ${hundred.series} series, ${hundred.reads} HostFS calls per steady tick`)
  console.log(`  per container:  ${(per / 1000).toFixed(4)} ms CPU per tick (issue budget 0.2 ms)`)
}
