import { afterEach, describe, expect, it } from 'vitest'
import { createGpuCollector } from '../../src/collectors/gpu.ts'
import type { GpuCollectorInstance } from '../../src/collectors/gpu.ts'
import { parseAgentArgs } from '../../src/config/config.ts'
import { GpuInventory } from '../../src/gpu/inventory.ts'
import type { MetricFamily } from '../../src/metrics/types.ts'
import { execFileNoShell } from '../../src/platform/exec.ts'
import type { Exec } from '../../src/platform/exec.ts'
import { contextFor, createFrom, runIsolated, samplesOf, sampleValue } from '../helpers/collect.ts'
import type { CollectOptions } from '../helpers/collect.ts'
import { TempTree, writeIdentity } from '../helpers/containers.ts'
import { fixture, installFakeNvidiaSmi } from './fake-smi.ts'
import type { FakeControl } from './fake-smi.ts'
import { recordingLogger } from './record-logger.ts'
import { listResponse, podResourcesServer } from '../helpers/pod-resources.ts'
import type { Http2Server } from 'node:http2'

const open: GpuCollectorInstance[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((c) => c.close()))
})

function setup(control: FakeControl, opts: { waitMs?: number; args?: string[]; exec?: Exec; procfs?: string; rootfs?: string } = {}) {
  const fake = installFakeNvidiaSmi(control)
  const inventory = new GpuInventory()
  const log = recordingLogger()
  let t = 1_700_000_000_000
  const options: CollectOptions = {
    args: [`--collector.gpu.nvidia-smi-path=${fake.path}`, ...(opts.args ?? [])],
    log,
    now: () => t,
    exec: opts.exec,
    procfs: opts.procfs,
    rootfs: opts.rootfs,
  }
  const collector = createFrom(createGpuCollector({ inventory, waitMs: opts.waitMs ?? 3000 }), options)
  open.push(collector)
  return {
    fake,
    collector,
    inventory,
    log,
    advance: (ms: number) => (t += ms),
    collect: (): Promise<MetricFamily[]> => collector.collect(contextFor(collector, options)),
    isolated: () => runIsolated(collector, options),
  }
}

describe('DCGM pod labels from the kubelet pod-resources socket (gRPC over a Unix socket)', () => {
  const GPU0 = 'GPU-11111111-2222-3333-4444-000000000000'
  const GPU1 = 'GPU-11111111-2222-3333-4444-000000000001'
  const servers: Http2Server[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))))
  })
  const labelsOf = (fams: MetricFamily[], name: string) => samplesOf(fams, name).map((x) => x.labels)

  it('puts pod, namespace and container on the DCGM_FI_* series of a GPU allocated to one container, as dcgm-exporter does', async () => {
    const root = new TempTree()
    // GPU 0 to one container; GPU 1 time-sliced between two pods: no owner
    const answer = listResponse([
      { namespace: 'ml', pod: 'llama-0', containers: [{ name: 'train', devices: [{ resource: 'nvidia.com/gpu', ids: [GPU0] }] }] },
      { namespace: 'ml', pod: 'a', containers: [{ name: 'x', devices: [{ resource: 'nvidia.com/gpu', ids: [`${GPU1}::0`] }] }] },
      { namespace: 'ml', pod: 'b', containers: [{ name: 'y', devices: [{ resource: 'nvidia.com/gpu', ids: [`${GPU1}::1`] }] }] },
    ])
    const srv = await podResourcesServer(root.path('var/lib/kubelet/pod-resources/kubelet.sock'), () => answer)
    servers.push(srv.server)
    try {
      const s = setup({ capture: fixture('h100-sxm-2gpu.xml') }, { rootfs: root.root })
      // The first tick asks in the background and does not wait for the answer.
      const first = await s.collect()
      expect(labelsOf(first, 'DCGM_FI_DEV_GPU_TEMP').every((l) => l.pod === undefined)).toBe(true)
      let fams = first
      for (let i = 0; i < 100 && labelsOf(fams, 'DCGM_FI_DEV_GPU_TEMP').every((l) => l.pod === undefined); i++) {
        await new Promise((r) => setTimeout(r, 20))
        fams = await s.collect()
      }
      const temp = labelsOf(fams, 'DCGM_FI_DEV_GPU_TEMP')
      expect(temp.find((l) => l.UUID === GPU0)).toMatchObject({ gpu: '0', pod: 'llama-0', namespace: 'ml', container: 'train' })
      expect(temp.find((l) => l.UUID === GPU1)?.pod).toBeUndefined()
      // every DCGM family of GPU 0 carries them; the agent's own odin_gpu_* families do not
      for (const f of fams.filter((x) => x.name.startsWith('DCGM_FI_'))) {
        for (const x of f.samples.filter((y) => y.labels.UUID === GPU0)) expect(x.labels.pod, f.name).toBe('llama-0')
      }
      expect(labelsOf(fams, 'odin_gpu_info').every((l) => l.pod === undefined)).toBe(true)
      expect(srv.calls()).toBeGreaterThan(0)
    } finally {
      root.dispose()
    }
  })

  it('without a socket (not a Kubernetes node) or with the flag empty, no pod labels and no error', async () => {
    const root = new TempTree()
    try {
      const s = setup({ capture: fixture('h100-sxm-2gpu.xml') }, { rootfs: root.root })
      await s.collect()
      await new Promise((r) => setTimeout(r, 50))
      const fams = await s.collect()
      expect(labelsOf(fams, 'DCGM_FI_DEV_GPU_TEMP')).toHaveLength(2)
      expect(labelsOf(fams, 'DCGM_FI_DEV_GPU_TEMP').every((l) => l.pod === undefined)).toBe(true)
      const off = setup({ capture: fixture('h100-sxm-2gpu.xml') }, { rootfs: root.root, args: ['--collector.gpu.pod-resources-socket='] })
      expect(labelsOf(await off.collect(), 'DCGM_FI_DEV_GPU_TEMP').every((l) => l.pod === undefined)).toBe(true)
    } finally {
      root.dispose()
    }
  })

  it('a kubelet answering an error status keeps the GPUs unlabelled and logs it once', async () => {
    const root = new TempTree()
    const srv = await podResourcesServer(root.path('var/lib/kubelet/pod-resources/kubelet.sock'), () => ({ status: 7, message: 'permission denied' }))
    servers.push(srv.server)
    try {
      const s = setup({ capture: fixture('h100-sxm-2gpu.xml') }, { rootfs: root.root })
      for (let i = 0; i < 5; i++) {
        await s.collect()
        await new Promise((r) => setTimeout(r, 30))
      }
      const fams = await s.collect()
      expect(labelsOf(fams, 'DCGM_FI_DEV_GPU_TEMP').every((l) => l.pod === undefined)).toBe(true)
      const lines = s.log.lines.filter((l) => String(l.msg).includes('pod-resources'))
      expect(lines).toHaveLength(1)
      expect(String(lines[0]?.fields.err)).toContain('grpc-status 7: permission denied')
    } finally {
      root.dispose()
    }
  })
})

describe('gpu collector against the fake nvidia-smi', () => {
  it('attributes GPU memory to the pod container of each host PID (odin_gpu_container_memory_bytes)', async () => {
    const uid = '0a0b0c0d-1111-4222-8333-444455556666'
    const id = 'e5'.repeat(32)
    const scope = `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid.replaceAll('-', '_')}.slice/cri-containerd-${id}.scope`
    // 412233 and 412301 are the capture's two python3 PIDs on GPU 0: one in a pod, one on the host
    const proc = new TempTree().file('412233/cgroup', `0::${scope}\n`).file('412301/cgroup', '0::/user.slice/user-1000.slice/session-3.scope\n')
    const root = new TempTree()
    writeIdentity(root, { id, namespace: 'ml', pod: 'llama-0', uid, container: 'train', image: 'nvcr.io/nvidia/pytorch:24.05-py3', restarts: 0 })
    try {
      const s = setup({ capture: fixture('h100-sxm-2gpu.xml') }, { procfs: proc.root, rootfs: root.root })
      const fams = await s.collect()
      expect(samplesOf(fams, 'odin_gpu_container_memory_bytes')).toEqual([
        { labels: { gpu: '0', UUID: 'GPU-11111111-2222-3333-4444-000000000000', namespace: 'ml', pod: 'llama-0', container: 'train' }, value: 36864 * 1024 * 1024 },
      ])
    } finally {
      proc.dispose()
      root.dispose()
    }
  })

  it('exposes dcgm-exporter names and labels from a replayed capture', async () => {
    const s = setup({ capture: fixture('h100-sxm-2gpu.xml') })
    const fams = await s.collect()
    const gpu1 = { gpu: '1', UUID: 'GPU-11111111-2222-3333-4444-000000000001', device: 'nvidia2', modelName: 'NVIDIA H100 80GB HBM3' }
    expect(sampleValue(fams, 'DCGM_FI_DEV_GPU_TEMP', gpu1)).toBe(31)
    expect(samplesOf(fams, 'DCGM_FI_DEV_GPU_TEMP')[0]?.labels).toEqual({
      gpu: '0',
      UUID: 'GPU-11111111-2222-3333-4444-000000000000',
      device: 'nvidia0',
      modelName: 'NVIDIA H100 80GB HBM3',
    })
    expect(fams.find((f) => f.name === 'DCGM_FI_DEV_ECC_DBE_AGG_TOTAL')?.type).toBe('counter')
    expect(sampleValue(fams, 'odin_gpu_throttle_reason', { gpu: '0', reason: 'sw_power_cap' })).toBe(1)
    expect(sampleValue(fams, 'odin_gpu_info', { gpu: '0' })).toBe(1)
    expect(samplesOf(fams, 'odin_gpu_info')[0]?.labels).toMatchObject({ driver_version: '550.90.07', cuda_version: '12.4', vbios_version: '96.00.99.00.01' })
    expect(sampleValue(fams, 'odin_gpu_process_memory_bytes', { gpu: '0', process: 'python3' })).toBe((36864 + 35840) * 1024 * 1024)
    expect(sampleValue(fams, 'odin_gpu_up')).toBe(1)
    expect(sampleValue(fams, 'odin_gpu_collect_failures_total')).toBe(0)
    expect(sampleValue(fams, 'odin_gpu_last_success_timestamp_seconds')).toBe(1_700_000_000)
    expect(sampleValue(fams, 'odin_gpu_devices')).toBe(2)
    // No PID label, no command line anywhere.
    const labelText = JSON.stringify(fams.flatMap((f) => f.samples.map((x) => x.labels)))
    expect(labelText).not.toMatch(/pid|wandb|--/)
    expect(s.inventory.lookup('0000:2a:00')?.UUID).toBe('GPU-11111111-2222-3333-4444-000000000001')
  })

  it('labels MIG instances with GPU_I_ID and GPU_I_PROFILE', async () => {
    const s = setup({ capture: fixture('a100-sxm4-mig.xml') })
    const fams = await s.collect()
    expect(sampleValue(fams, 'DCGM_FI_DEV_FB_USED', { GPU_I_ID: '5', GPU_I_PROFILE: '2g.10gb' })).toBe(7580)
    // The parent GPU keeps its own series without instance labels.
    expect(
      samplesOf(fams, 'DCGM_FI_DEV_FB_USED')
        .filter((x) => x.labels.GPU_I_ID === undefined)
        .map((x) => x.value),
    ).toEqual([24014])
    expect(samplesOf(fams, 'DCGM_FI_DEV_GPU_UTIL')).toEqual([])
  })

  it('[N/A] and friends are absent series, never zeros', async () => {
    const s = setup({ capture: fixture('na-fields.xml') })
    const fams = await s.collect()
    for (const name of [
      'DCGM_FI_DEV_GPU_TEMP',
      'DCGM_FI_DEV_POWER_USAGE',
      'DCGM_FI_DEV_GPU_UTIL',
      'DCGM_FI_DEV_FB_USED',
      'DCGM_FI_DEV_FAN_SPEED',
      'DCGM_FI_DEV_ECC_SBE_VOL_TOTAL',
      'DCGM_FI_DEV_SM_CLOCK',
    ]) {
      expect(samplesOf(fams, name), name).toEqual([])
    }
    expect(sampleValue(fams, 'odin_gpu_up')).toBe(1)
  })

  it('missing binary: no data, quietly (debug only), nothing else affected', async () => {
    const s = setup({ capture: fixture('h100-sxm-2gpu.xml') })
    const log = recordingLogger()
    const options = { args: [`--collector.gpu.nvidia-smi-path=${s.fake.dir}/absent/nvidia-smi`], log }
    const collector = createFrom(createGpuCollector({ inventory: new GpuInventory() }), options)
    open.push(collector)
    const outcome = await runIsolated(collector, options)
    expect(outcome).toMatchObject({ success: false, noData: true, families: [] })
    expect(log.lines.filter((l) => l.level !== 'debug')).toEqual([])
  })

  it.each(['no-devices', 'no-driver'] as const)('%s: no data, quietly', async (mode) => {
    const s = setup({ mode })
    const outcome = await s.isolated()
    expect(outcome).toMatchObject({ success: false, noData: true })
    expect(s.log.lines.filter((l) => l.level !== 'debug')).toEqual([])
  })

  it('exit 2 with stderr: odin_gpu_up 0, failure counted, stderr in one warning', async () => {
    const s = setup({ mode: 'exit2' })
    let fams = await s.collect()
    expect(sampleValue(fams, 'odin_gpu_up')).toBe(0)
    expect(sampleValue(fams, 'odin_gpu_collect_failures_total')).toBe(1)
    expect(samplesOf(fams, 'odin_gpu_last_success_timestamp_seconds')).toEqual([])
    expect(fams.some((f) => f.name.startsWith('DCGM_'))).toBe(false)
    fams = await s.collect()
    expect(sampleValue(fams, 'odin_gpu_collect_failures_total')).toBe(2)
    const warns = s.log.lines.filter((l) => l.level === 'warn')
    expect(warns).toHaveLength(1)
    expect(String(warns[0]?.fields.err)).toMatch(/exited with code 2: Unable to determine the device handle/)
  })

  it('truncated XML: odin_gpu_up 0 and the last good values are not served', async () => {
    const s = setup({ capture: fixture('rtx-4090-workstation.xml') })
    expect(sampleValue(await s.collect(), 'DCGM_FI_DEV_FAN_SPEED')).toBe(35)
    s.fake.set({ mode: 'truncated', capture: fixture('rtx-4090-workstation.xml') })
    const fams = await s.collect()
    expect(sampleValue(fams, 'odin_gpu_up')).toBe(0)
    expect(sampleValue(fams, 'odin_gpu_collect_failures_total')).toBe(1)
    expect(sampleValue(fams, 'odin_gpu_last_success_timestamp_seconds')).toBe(1_700_000_000)
    expect(samplesOf(fams, 'DCGM_FI_DEV_FAN_SPEED')).toEqual([])
    expect(String(s.log.lines.find((l) => l.level === 'warn')?.fields.err)).toMatch(/couldn't parse nvidia-smi -q -x output/)
  })

  it('a GPU disappearing between runs takes its series with it', async () => {
    const s = setup({ capture: fixture('h100-sxm-2gpu.xml') })
    let fams = await s.collect()
    expect(samplesOf(fams, 'DCGM_FI_DEV_GPU_TEMP').map((x) => x.labels.gpu)).toEqual(['0', '1'])
    s.fake.set({ capture: fixture('h100-sxm-2gpu.xml'), dropGpus: 1 })
    fams = await s.collect()
    expect(samplesOf(fams, 'DCGM_FI_DEV_GPU_TEMP').map((x) => x.labels.gpu)).toEqual(['0'])
    expect(sampleValue(fams, 'odin_gpu_devices')).toBe(1)
    expect(sampleValue(fams, 'odin_gpu_up')).toBe(1)
    // The inventory still names the lost GPU, for its Xid 79.
    expect(s.inventory.lookup('0000:2a:00')?.gpu).toBe('1')
  })

  it('all GPUs vanishing after a success is a failure, not "no GPU"', async () => {
    const s = setup({ capture: fixture('rtx-4090-workstation.xml') })
    await s.collect()
    s.fake.set({ mode: 'no-devices' })
    const outcome = await s.isolated()
    expect(outcome.success).toBe(true)
    expect(sampleValue(outcome.families, 'odin_gpu_up')).toBe(0)
  })

  it('never serves a result older than two sampler intervals as fresh', async () => {
    const s = setup({ capture: fixture('rtx-4090-workstation.xml') }, { waitMs: 50, args: ['--sampler.interval=10s'] })
    // First run: wait for it.
    await s.collect()
    await s.collector.sampler?.kick()
    expect(sampleValue(await s.collect(), 'DCGM_FI_DEV_FAN_SPEED')).toBe(35)
    await s.collector.sampler?.kick()
    s.fake.set({ mode: 'slow', delayMs: 5000, capture: fixture('rtx-4090-workstation.xml') })
    s.advance(15_000)
    let fams = await s.collect()
    expect(sampleValue(fams, 'DCGM_FI_DEV_FAN_SPEED')).toBe(35)
    expect(sampleValue(fams, 'odin_gpu_up')).toBe(1)
    s.advance(10_000)
    fams = await s.collect()
    expect(samplesOf(fams, 'DCGM_FI_DEV_FAN_SPEED')).toEqual([])
    expect(sampleValue(fams, 'odin_gpu_up')).toBe(0)
  })

  it('runs at most one nvidia-smi at a time', async () => {
    let live = 0
    let peak = 0
    let runs = 0
    const exec: Exec = async (file, args, options) => {
      runs++
      peak = Math.max(peak, ++live)
      try {
        return await execFileNoShell(file, args, options)
      } finally {
        live--
      }
    }
    const s = setup({ mode: 'slow', delayMs: 400, capture: fixture('rtx-4090-workstation.xml') }, { waitMs: 5, exec })
    for (let i = 0; i < 20; i++) {
      await s.collect()
    }
    expect(runs).toBe(1)
    await s.collector.sampler?.kick()
    await s.collect()
    expect(runs).toBe(2)
    expect(peak).toBe(1)
  })

  it('caps per-process series and counts what it cut', async () => {
    const s = setup({ capture: fixture('rtx-4090-workstation.xml') }, { args: ['--collector.gpu.process-series-limit=2'] })
    let fams = await s.collect()
    expect(samplesOf(fams, 'odin_gpu_process_memory_bytes').map((x) => x.labels.process)).toEqual(['blender', 'Xorg'])
    expect(sampleValue(fams, 'odin_series_dropped_total', { collector: 'gpu' })).toBe(2)
    fams = await s.collect()
    expect(sampleValue(fams, 'odin_series_dropped_total', { collector: 'gpu' })).toBe(4)
  })

  it('refuses a relative nvidia-smi path when the flags are parsed, not on every tick', () => {
    expect(() => parseAgentArgs(['--collector.gpu.nvidia-smi-path=nvidia-smi'], [createGpuCollector()])).toThrowError(
      /--collector.gpu.nvidia-smi-path: invalid value "nvidia-smi" \(accepted: an absolute path\)/,
    )
  })
})
