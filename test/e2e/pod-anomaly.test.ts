import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBinary, startAgent, waitFor } from '../helpers/binary.ts'
import { TempTree, writeIdentity } from '../helpers/containers.ts'

const ID = 'a11a'.repeat(16)
const UID = 'a11a0000-0000-4000-8000-000000000002'
const REL = `/kubepods.slice/kubepods-pod${UID.replaceAll('-', '_')}.slice/cri-containerd-${ID}.scope`

const sys = new TempTree()
  .file('fs/cgroup/cgroup.controllers', 'cpu io memory\n')
  .file(`fs/cgroup${REL}/cpu.stat`, 'usage_usec 2500000\n')
  .file(`fs/cgroup${REL}/memory.current`, '4096\n')
  .file(`fs/cgroup${REL}/memory.stat`, 'anon 3000\nfile 1000\ninactive_file 96\n')
  .file(`fs/cgroup${REL}/memory.max`, 'max\n')
  .file(`fs/cgroup${REL}/memory.events`, 'oom_kill 0\n')
const proc = new TempTree().file('stat', 'cpu  0 0 0 0 0 0 0 0 0 0\nbtime 1700000000\n')
const root = new TempTree()
writeIdentity(root, { id: ID, namespace: 'ml', pod: 'scorer-0', uid: UID, container: 'scorer', image: 'example/scorer:1', restarts: 0 })
const data = mkdtempSync(join(tmpdir(), 'odin-pod-anomaly-e2e-'))

beforeAll(async () => {
  await ensureBinary()
}, 180_000)
afterAll(() => {
  sys.dispose()
  proc.dispose()
  root.dispose()
  rmSync(data, { recursive: true, force: true })
})

describe('odin-agent binary: --detector.pod_anomaly', () => {
  it('scores a fixture container under its pod labels and saves anomaly-pod.model on stop', async () => {
    const agent = await startAgent([
      '--collector.disable-defaults',
      '--collector.containers',
      '--detector.pod_anomaly',
      '--sampler.interval=200ms',
      `--data-dir=${data}`,
      `--path.sysfs=${sys.root}`,
      `--path.rootfs=${root.root}`,
      `--path.procfs=${proc.root}`,
    ])
    try {
      // The CPU rate needs two ticks of the counter.
      const text = await waitFor(
        async () => {
          const t = await (await fetch(`${agent.url}/metrics`)).text()
          return t.includes('series="cpu_usage_rate"') ? t : undefined
        },
        10_000,
        'a scored CPU rate',
      )
      expect(text).toContain('# HELP odin_anomaly_score Anomaly score in [0, 1] of the series, from its isolation-forest model.\n# TYPE odin_anomaly_score gauge\n')
      expect(text).toMatch(/odin_anomaly_score\{detector="pod",namespace="ml",pod="scorer-0",container="scorer",series="cpu_usage_rate"\} [0-9.e-]+\n/)
      expect(text).toMatch(/odin_anomaly_score\{detector="pod",namespace="ml",pod="scorer-0",container="scorer",series="memory_working_set"\} [0-9.e-]+\n/)
      expect(text).toContain('odin_anomaly{detector="pod",namespace="ml",pod="scorer-0",container="scorer",series="memory_working_set"} 0\n')
      expect(text).toContain('odin_anomaly_model_trained{detector="pod"} 0\n')
      expect(text).toContain('odin_series_dropped_total{collector="pod_anomaly"} 0\n')
      // One HELP per family: the detector's samples join the families others serve.
      expect(text.match(/^# HELP odin_series_dropped_total /gm)).toHaveLength(1)
    } finally {
      const { code } = await agent.stop()
      expect(code).toBe(0)
    }
    expect(existsSync(join(data, 'anomaly-pod.model'))).toBe(true)
  })
})
