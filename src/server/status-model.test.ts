import { describe, expect, it } from 'vitest'
import type { ActiveThreat } from '../collectors/threats.ts'
import { Families } from '../metrics/families.ts'
import type { CollectorHealth } from '../sampler/sampler.ts'
import { HISTORY_MAX_SERIES } from './score-history.ts'
import { STATUS_LIMITS, StatusModel } from './status-model.ts'
import type { StatusInputs } from './status-model.ts'

const XSS = '<img src=x onerror=alert(1)>'
const long = (s: string) => s.repeat(2000)

function inputs(over: Partial<StatusInputs> = {}): StatusInputs {
  return {
    version: { version: '1', revision: 'r' },
    now: 1_000_000,
    startedAt: 0,
    lastSampleAt: 999_000,
    ready: { ok: true, reason: 'ready' },
    health: new Map(),
    detectors: new Map(),
    threats: [],
    visibilityLimits: [],
    threshold: 0.75,
    ...over,
  }
}

function host(at: number, idle: number, user: number): Families {
  const f = new Families()
  for (const cpu of ['0', '1']) {
    f.counter('node_cpu_seconds_total', '', idle, { cpu, mode: 'idle' })
    f.counter('node_cpu_seconds_total', '', user, { cpu, mode: 'user' })
  }
  f.gauge('node_load1', '', 0.5)
  f.gauge('node_memory_MemTotal_bytes', '', 1000)
  f.gauge('node_memory_MemAvailable_bytes', '', 250)
  f.gauge('node_filesystem_size_bytes', '', 100, { device: '/dev/a', mountpoint: '/', fstype: 'ext4' })
  f.gauge('node_filesystem_avail_bytes', '', 10, { device: '/dev/a', mountpoint: '/', fstype: 'ext4' })
  f.gauge('node_filesystem_size_bytes', '', 100, { device: '/dev/b', mountpoint: '/data', fstype: 'xfs' })
  f.gauge('node_filesystem_avail_bytes', '', 90, { device: '/dev/b', mountpoint: '/data', fstype: 'xfs' })
  f.gauge('DCGM_FI_DEV_GPU_TEMP', '', 71, { gpu: '0', UUID: 'u0', modelName: 'H100' })
  f.gauge('DCGM_FI_DEV_POWER_USAGE', '', 350, { gpu: '0', UUID: 'u0', modelName: 'H100' })
  f.gauge('DCGM_FI_DEV_POWER_MGMT_LIMIT', '', 700, { gpu: '0', UUID: 'u0', modelName: 'H100' })
  f.gauge('DCGM_FI_DEV_GPU_TEMP', '', 40, { gpu: '0', UUID: 'u0', GPU_I_ID: '1' })
  f.gauge('odin_gpu_throttle_reason', '', 1, { gpu: '0', UUID: 'u0', reason: 'sw_thermal' })
  f.gauge('odin_gpu_throttle_reason', '', 0, { gpu: '0', UUID: 'u0', reason: 'hw_slowdown' })
  f.counter('odin_gpu_xid_errors_total', '', 2, { gpu: '0', UUID: 'u0', xid: '79' })
  f.gauge('namedprocess_namegroup_num_procs', '', 3, { groupname: XSS })
  f.counter('namedprocess_namegroup_cpu_seconds_total', '', at / 1000, { groupname: XSS, mode: 'user' })
  f.gauge('namedprocess_namegroup_memory_bytes', '', 4096, { groupname: XSS, memtype: 'resident' })
  return f
}

describe('StatusModel', () => {
  it('derives CPU busy and group CPU from two snapshots; GPUs, throttling, Xids and disks from the families', () => {
    const m = new StatusModel()
    m.observe(10_000, host(10_000, 100, 100).list())
    m.observe(20_000, host(20_000, 130, 110).list())
    const doc = m.build(inputs())
    expect(doc.host.cpus).toBe(2)
    expect(doc.host.cpuBusy).toBeCloseTo(0.25)
    expect(doc.host.disks.map((d) => d.mountpoint)).toEqual(['/', '/data'])
    expect(doc.gpus).toEqual([
      {
        gpu: '0',
        model: 'H100',
        tempC: 71,
        powerW: 350,
        powerLimitW: 700,
        utilPct: null,
        memUsedMiB: null,
        memTotalMiB: null,
        throttle: ['sw_thermal'],
        xids: [{ xid: '79', count: 2 }],
      },
    ])
    expect(doc.groups).toEqual([{ name: XSS, procs: 3, cpuCores: 1, residentBytes: 4096 }])
  })

  it('collector states: ok, absent (no data on this host), failing; each detector with its state, error, duration and last success', () => {
    const h = (success: boolean, noData: boolean, lastError: string | null, lastSuccessAt: number | null = null): CollectorHealth => ({
      success,
      noData,
      lastError,
      lastSuccessAt,
      lastDurationSeconds: 0.001,
    })
    const doc = new StatusModel().build(
      inputs({
        now: 100_000,
        health: new Map([
          ['cpu', h(true, false, null)],
          ['nvme', h(false, true, 'no /sys/class/nvme')],
          ['hwmon', h(false, false, 'EIO')],
        ]),
        detectors: new Map([
          ['anomaly', h(false, false, 'boom', 40_000)],
          ['threats', h(true, false, null, 100_000)],
          ['disk_fill', h(false, false, 'never worked')],
        ]),
      }),
    )
    expect(doc.collectors.map((c) => [c.name, c.state])).toEqual([
      ['cpu', 'ok'],
      ['hwmon', 'failing'],
      ['nvme', 'absent'],
    ])
    expect(doc.detectors).toEqual([
      { name: 'anomaly', state: 'failing', error: 'boom', durationMs: 1, lastSuccessAgeSeconds: 60 },
      { name: 'disk_fill', state: 'failing', error: 'never worked', durationMs: 1, lastSuccessAgeSeconds: null },
      { name: 'threats', state: 'ok', error: '', durationMs: 1, lastSuccessAgeSeconds: 0 },
    ])
  })

  it('stays under 256 KB with every list at its cap and every string hostile and long', () => {
    const m = new StatusModel()
    const f = new Families()
    for (let i = 0; i < 200; i++) {
      const l = { device: long(XSS), mountpoint: `${long(XSS)}${i}`, fstype: long('x') }
      f.gauge('node_filesystem_size_bytes', '', 100, l)
      f.gauge('node_filesystem_avail_bytes', '', 10, l)
      f.gauge('odin_disk_fill_eta_seconds', '', 3600, l)
      f.gauge('namedprocess_namegroup_num_procs', '', 1, { groupname: `${long(XSS)}${i}` })
      f.gauge('DCGM_FI_DEV_GPU_TEMP', '', 50, { gpu: String(i), modelName: long(XSS) })
      f.gauge('odin_gpu_throttle_reason', '', 1, { gpu: String(i), reason: long(XSS) })
      f.counter('odin_gpu_xid_errors_total', '', 1, { gpu: String(i), xid: long(XSS) })
    }
    for (let i = 0; i < 100; i++) f.gauge('odin_anomaly_score', '', 0.5, { detector: 'gpu', series: `${long(XSS)}${i}` })
    const threat: ActiveThreat = {
      rule: long(XSS),
      category: 'x',
      severity: 'high',
      description: long(XSS),
      comm: long(XSS),
      user: long(XSS),
      container: false,
      namespace: long(XSS),
      pod: long(XSS),
      containerName: long(XSS),
      cmdline: long(XSS),
    }
    for (let t = 0; t < 240; t++) m.observe(t * 15_000, f.list())
    const health = new Map(
      Array.from({ length: 80 }, (_, i) => [`c${i}`, { success: false, noData: false, lastError: long(XSS), lastSuccessAt: null, lastDurationSeconds: 1 }] as const),
    )
    const doc = m.build(inputs({ now: 240 * 15_000, health, threats: Array.from({ length: 500 }, () => threat) }))
    expect(doc.threats).toHaveLength(STATUS_LIMITS.threats)
    expect(doc.gpus).toHaveLength(STATUS_LIMITS.gpus)
    expect(doc.anomaly.series).toHaveLength(HISTORY_MAX_SERIES)
    expect(doc.threats[0]?.cmdline.length).toBe(STATUS_LIMITS.text)
    const size = JSON.stringify(doc).length
    expect(size).toBeLessThan(256 * 1024)
  })
})
