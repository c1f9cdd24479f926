import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { binaryPath, ensureBinary, startAgent, waitFor } from '../helpers/binary.ts'
import { TempTree, writeIdentity } from '../helpers/containers.ts'

const ID = 'e2e0'.repeat(16)
const UID = 'e2e00000-0000-4000-8000-000000000001'
const REL = `/kubepods.slice/kubepods-pod${UID.replaceAll('-', '_')}.slice/cri-containerd-${ID}.scope`

const sys = new TempTree()
  .file('fs/cgroup/cgroup.controllers', 'cpu io memory\n')
  .file(`fs/cgroup${REL}/cpu.stat`, 'usage_usec 2500000\nnr_periods 5\nnr_throttled 1\nthrottled_usec 1000\n')
  .file(`fs/cgroup${REL}/cpu.max`, '100000 100000\n')
  .file(`fs/cgroup${REL}/memory.current`, '4096\n')
  .file(`fs/cgroup${REL}/memory.stat`, 'anon 3000\nfile 1000\ninactive_file 96\n')
  .file(`fs/cgroup${REL}/memory.max`, 'max\n')
  .file(`fs/cgroup${REL}/memory.events`, 'oom_kill 3\n')
// An empty procfs: no process, so no sandbox network (the agent checks that it is a directory).
const proc = new TempTree().file('stat', 'cpu  0 0 0 0 0 0 0 0 0 0\nbtime 1700000000\n')
const root = new TempTree()
writeIdentity(root, { id: ID, namespace: 'ml', pod: 'trainer-0', uid: UID, container: 'trainer', image: 'example/trainer:1', restarts: 2 })

beforeAll(async () => {
  await ensureBinary()
}, 180_000)
afterAll(() => {
  sys.dispose()
  proc.dispose()
  root.dispose()
})

describe('odin-agent binary: --collector.containers', () => {
  it('serves cAdvisor families and the identity series from a cgroup v2 tree', async () => {
    const agent = await startAgent([
      '--collector.disable-defaults',
      '--collector.containers',
      `--path.sysfs=${sys.root}`,
      `--path.rootfs=${root.root}`,
      `--path.procfs=${proc.root}`,
    ])
    try {
      const text = await (await fetch(`${agent.url}/metrics`)).text()
      const labels = `container="trainer",id="${REL}",image="example/trainer:1",name="${ID}",namespace="ml",pod="trainer-0"`
      expect(text).toContain('# HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.\n# TYPE container_cpu_usage_seconds_total counter\n')
      expect(text).toContain(`container_cpu_usage_seconds_total{${labels},cpu="total"} 2.5\n`)
      expect(text).toContain(`container_memory_working_set_bytes{${labels}} 4000\n`)
      expect(text).toContain(`container_cpu_cfs_throttled_periods_total{${labels}} 1\n`)
      expect(text).toContain(`container_oom_events_total{${labels}} 3\n`)
      expect(text).toContain(`container_spec_memory_limit_bytes{${labels}} 0\n`)
      expect(text).toContain('odin_container_restarts_total{namespace="ml",pod="trainer-0",container="trainer",uid="e2e00000-0000-4000-8000-000000000001"} 2\n')
      expect(text).toContain('odin_containers{state="resolved"} 1\n')
      expect(text).not.toContain('s3cr3t')
    } finally {
      await agent.stop()
    }
  })

  it('--collector.containers.extended adds the extended families (cpu.stat user/system, memory.stat keys)', async () => {
    const agent = await startAgent([
      '--collector.disable-defaults',
      '--collector.containers',
      '--collector.containers.extended',
      `--path.sysfs=${sys.root}`,
      `--path.rootfs=${root.root}`,
      `--path.procfs=${proc.root}`,
    ])
    try {
      // the first sample may still be running when the agent starts listening
      const text = await waitFor(
        async () => {
          const t = await (await fetch(`${agent.url}/metrics`)).text()
          return t.includes('container_memory_usage_bytes{') ? t : undefined
        },
        10_000,
        'the first container sample',
      )
      const labels = `container="trainer",id="${REL}",image="example/trainer:1",name="${ID}",namespace="ml",pod="trainer-0"`
      expect(text).toContain('# HELP container_memory_total_inactive_file_bytes Current total inactive file in bytes.\n# TYPE container_memory_total_inactive_file_bytes gauge\n')
      expect(text).toContain(`container_memory_total_inactive_file_bytes{${labels}} 96\n`)
      expect(text).not.toContain('container_threads{')
    } finally {
      await agent.stop()
    }
  })

  it.each(['many', '-1', '1.5', '1e3', ''])('--collector.containers.max-containers=%j exits 2 with one line', (raw) => {
    const r = spawnSync(binaryPath, [`--collector.containers.max-containers=${raw}`], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual([`odin-agent: --collector.containers.max-containers: invalid value "${raw}" (accepted: an integer >= 0)`])
  })
})
