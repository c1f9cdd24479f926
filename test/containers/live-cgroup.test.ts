// Live: real cgroup v1 directories on this machine, built the way the kubelet's cgroupfs
// driver lays out a pod, with the identity files under a temporary --path.rootfs. Burns CPU
// in the container and compares the counter with the process's own CPU time; checks the
// working set and the limit against the kernel's files; OOM-kills a process in it; then
// "restarts" it as the kubelet does (new container cgroup, <N>.log); OOM-kills a process in a
// third container and removes it before the next tick (counted from /dev/kmsg). Runs only as root on a
// cgroup v1 (or hybrid) host and removes every cgroup it made.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { containersCollector } from '../../src/collectors/containers.ts'
import type { MetricFamily } from '../../src/metrics/types.ts'
import { CG, CgroupV1Tree, canBuildV1, exited, sleep } from '../helpers/cgroup-v1.ts'
import { instanceWithContext, sampleValue } from '../helpers/collect.ts'
import { TempTree, writeIdentity } from '../helpers/containers.ts'

const CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'blkio']
const canRun = canBuildV1(CONTROLLERS)
if (!canRun) {
  console.warn('live-cgroup: needs root on a cgroup v1 host with memory, cpu, cpuacct and blkio hierarchies; the live container test is NOT run')
}

const UID = `0d1e0000-0000-4000-8000-${String(process.pid).padStart(12, '0')}`
const ID1 = `${'0d1e'.repeat(15)}${String(process.pid % 10000).padStart(4, '0')}`
const ID2 = `${'1d1e'.repeat(15)}${String(process.pid % 10000).padStart(4, '0')}`
const ID3 = `${'2d1e'.repeat(15)}${String(process.pid % 10000).padStart(4, '0')}`
const TOP = `odin-live-${process.pid}`
const podRel = `/${TOP}/kubepods/burstable/pod${UID}`
const cgroups = new CgroupV1Tree(CONTROLLERS)
const children: ChildProcess[] = []
const rootfs = new TempTree()
const mkCgroup = (rel: string) => cgroups.mk(rel)
const enter = (rel: string, pid: number) => cgroups.enter(rel, pid)

function run(cmd: string, args: string[]): ChildProcess {
  const child = spawn(cmd, args, { stdio: 'ignore' })
  children.push(child)
  return child
}

/** utime + stime of a process, in seconds (clock ticks of 100 Hz). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

// One context for every collect: the collector keeps per-host state (the v1 pod OOM sums) as in the agent.
const [collector, ctx] = instanceWithContext(containersCollector, { sysfs: '/sys', procfs: '/proc', rootfs: rootfs.root, now: () => Date.now() })
const collect = (): Promise<MetricFamily[]> => collector.collect(ctx)
const idOf = (container: string) => `${podRel}/${container}`

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL')
  await Promise.all(children.map(exited))
  await cgroups.dispose()
  rootfs.dispose()
})

describe.skipIf(!canRun)('containers collector on real cgroup v1 (live)', () => {
  it('reads a pod container, its CPU, working set, limit, OOM kills and a restart', { timeout: 30_000 }, async () => {
    mkCgroup(`${podRel}/${ID1}`)
    writeFileSync(join(CG, 'memory', podRel, ID1, 'memory.limit_in_bytes'), `${32 * 1024 * 1024}\n`)
    writeIdentity(rootfs, { id: ID1, namespace: 'live', pod: 'burner-0', uid: UID, container: 'burner', image: 'example/burner:1', restarts: 0 })

    // CPU: a busy shell in the container; the counter's rise must match the shell's own CPU time.
    const burner = run('sh', ['-c', 'while :; do :; done'])
    await new Promise<void>((resolve) => burner.once('spawn', () => resolve()))
    enter(`${podRel}/${ID1}`, burner.pid as number)
    const f0 = await collect()
    const c0 = cpuSeconds(burner.pid as number)
    await sleep(1500)
    const f1 = await collect()
    const c1 = cpuSeconds(burner.pid as number)
    const labels = { id: idOf(ID1), container: 'burner', pod: 'burner-0', namespace: 'live', image: 'example/burner:1' }
    const u0 = sampleValue(f0, 'container_cpu_usage_seconds_total', labels) as number
    const u1 = sampleValue(f1, 'container_cpu_usage_seconds_total', labels) as number
    expect(c1 - c0).toBeGreaterThan(0.1)
    // the 100 Hz tick accounting of /proc/PID/stat is coarser than cpuacct's nanoseconds
    expect(u1 - u0).toBeGreaterThan((c1 - c0) * 0.8 - 0.05)
    expect(u1 - u0).toBeLessThan((c1 - c0) * 1.2 + 0.05)

    // Working set and limit against the kernel's own files, read around the collect.
    const mem = join(CG, 'memory', podRel, ID1)
    const ws = () => {
      const usage = Number(readFileSync(join(mem, 'memory.usage_in_bytes'), 'utf8'))
      const inactive = Number(/^total_inactive_file (\d+)$/m.exec(readFileSync(join(mem, 'memory.stat'), 'utf8'))?.[1])
      return Math.max(0, usage - inactive)
    }
    const before = ws()
    const f2 = await collect()
    const after = ws()
    const got = sampleValue(f2, 'container_memory_working_set_bytes', labels) as number
    expect(got).toBeGreaterThanOrEqual(Math.min(before, after) - 64 * 1024)
    expect(got).toBeLessThanOrEqual(Math.max(before, after) + 64 * 1024)
    expect(sampleValue(f2, 'container_spec_memory_limit_bytes', labels)).toBe(32 * 1024 * 1024)
    expect(sampleValue(f2, 'container_oom_events_total', labels)).toBe(0)
    expect(sampleValue(f2, 'odin_container_restarts_total', { container: 'burner' })).toBe(0)

    // OOM: tail buffers /dev/zero looking for a newline until the 32 MiB limit kills it.
    const hog = run('sh', ['-c', `echo $$ > ${join(CG, 'memory', podRel, ID1, 'cgroup.procs')} && exec tail /dev/zero`])
    await exited(hog)
    expect(hog.signalCode).toBe('SIGKILL')
    const f3 = await collect()
    expect(sampleValue(f3, 'container_oom_events_total', labels)).toBeGreaterThanOrEqual(1)
    const podOom = sampleValue(f3, 'odin_pod_oom_kills_total', { uid: UID }) as number
    expect(podOom).toBeGreaterThanOrEqual(1)
    // v1's pod level does not count its containers' kills: why the agent sums the containers
    const podLevel = Number(/^oom_kill (\d+)$/m.exec(readFileSync(join(CG, 'memory', podRel, 'memory.oom_control'), 'utf8'))?.[1])
    console.info(`live-cgroup: oom_kill container ${sampleValue(f3, 'container_oom_events_total', labels)}, pod level ${podLevel}, odin_pod_oom_kills_total ${podOom}`)

    // Restart the kubelet's way: the old container's cgroup goes, a new one with 1.log comes.
    burner.kill('SIGKILL')
    await exited(burner)
    await cgroups.remove(`${podRel}/${ID1}`)
    mkCgroup(`${podRel}/${ID2}`)
    writeIdentity(rootfs, { id: ID2, namespace: 'live', pod: 'burner-0', uid: UID, container: 'burner', image: 'example/burner:1', restarts: 1 })
    const f4 = await collect()
    expect(sampleValue(f4, 'odin_container_restarts_total', { container: 'burner' })).toBe(1)
    // the killed container's cgroup is gone; the pod keeps its OOM kill
    expect(sampleValue(f4, 'odin_pod_oom_kills_total', { uid: UID })).toBe(podOom)
    expect(sampleValue(f4, 'container_memory_usage_bytes', { id: idOf(ID1) })).toBeUndefined()
    expect(sampleValue(f4, 'container_memory_usage_bytes', { id: idOf(ID2) })).toBeDefined()

    // A container OOM-killed and removed between two ticks: no tick read its counter, and
    // only the kernel log's oom-kill record (task_memcg) still names it.
    mkCgroup(`${podRel}/${ID3}`)
    writeFileSync(join(CG, 'memory', podRel, ID3, 'memory.limit_in_bytes'), `${16 * 1024 * 1024}\n`)
    const hog3 = run('sh', ['-c', `echo $$ > ${join(CG, 'memory', podRel, ID3, 'cgroup.procs')} && exec tail /dev/zero`])
    await exited(hog3)
    expect(hog3.signalCode).toBe('SIGKILL')
    await cgroups.remove(`${podRel}/${ID3}`)
    expect(existsSync(join(CG, 'memory', podRel, ID3))).toBe(false)
    const f5 = await collect()
    expect(sampleValue(f5, 'odin_pod_oom_kills_total', { uid: UID })).toBe(podOom + 1)
    console.info(
      `live-cgroup: a container killed and removed between ticks: odin_pod_oom_kills_total ${podOom} -> ${sampleValue(f5, 'odin_pod_oom_kills_total', { uid: UID })} (kernel log)`,
    )
  })
})
