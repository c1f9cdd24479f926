import { describe, expect, it } from 'vitest'
import type { MetricFamily } from '../metrics/types.ts'
import { snapshotView, type SnapshotView } from './types.ts'
import { declaredBy } from '../../test/helpers/detect.ts'
import { createDiskFillForecaster as create, secondsUntilFull } from './disk-fill.ts'

/** The forecaster, its families checked against its entry's declarations on every call. */
const createDiskFillForecaster = (...args: Parameters<typeof create>) => declaredBy('detector.disk_fill', create(...args))

const GiB = 1024 ** 3

function snapshot(at: number, avail: Record<string, number>): SnapshotView {
  const family: MetricFamily = {
    name: 'node_filesystem_avail_bytes',
    help: '',
    type: 'gauge',
    samples: Object.entries(avail).map(([mountpoint, value]) => ({ labels: { device: `/dev/${mountpoint.length}`, mountpoint, fstype: 'ext4' }, value })),
  }
  return snapshotView(at, [family])
}

describe('disk-fill forecaster', () => {
  it('forecasts a filesystem losing 1 GiB per hour with 10 GiB left at about 10 h', () => {
    const d = createDiskFillForecaster()
    for (let m = 0; m <= 120; m++) {
      d.observe(snapshot(m * 60_000, { '/data': 12 * GiB - (m / 60) * GiB, '/': 50 * GiB }))
    }
    const eta = d.families()[0]?.samples
    expect(eta).toHaveLength(1)
    expect(eta?.[0]?.labels.mountpoint).toBe('/data')
    expect(eta?.[0]?.value).toBeCloseTo(10 * 3600, -1)
  })

  it('stays silent for a steady or noisy-but-flat filesystem', () => {
    const d = createDiskFillForecaster()
    let seed = 7
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.01 * GiB
    for (let m = 0; m <= 240; m++) {
      d.observe(snapshot(m * 60_000, { '/': 50 * GiB + noise() + (m % 2 ? 0.001 * GiB : 0) }))
    }
    const samples = d.families()[0]?.samples ?? []
    // A flat series may fit a tiny negative slope; it must then be beyond the 30-day horizon.
    expect(samples).toEqual([])
  })

  it('waits for enough history before forecasting', () => {
    const d = createDiskFillForecaster({ minSpanMs: 30 * 60_000 })
    for (let m = 0; m <= 10; m++) {
      d.observe(snapshot(m * 60_000, { '/data': 10 * GiB - m * GiB * 0.1 }))
    }
    expect(d.families()).toEqual([])
  })

  it('forgets filesystems that are unmounted', () => {
    const d = createDiskFillForecaster({ minSpanMs: 0 })
    for (let m = 0; m < 10; m++) {
      d.observe(snapshot(m * 60_000, { '/mnt/usb': 10 * GiB - m * GiB }))
    }
    expect(d.families()).toHaveLength(1)
    d.observe(snapshot(11 * 60_000, {}))
    expect(d.families()).toEqual([])
  })

  it('keeps memory bounded over days of samples', () => {
    const d = createDiskFillForecaster({ maxPoints: 100, windowMs: 365 * 86_400_000 })
    for (let m = 0; m < 10_000; m++) {
      d.observe(snapshot(m * 15_000, { '/data': 1e11 - m * 1e6 }))
    }
    expect(d.families()[0]?.samples[0]?.value).toBeGreaterThan(0)
  })

  it('secondsUntilFull: zero when the line is already below zero, undefined when growing', () => {
    expect(
      secondsUntilFull(
        [
          { t: 0, avail: 2 },
          { t: 1000, avail: 1 },
          { t: 2000, avail: 0 },
        ],
        5000,
        0,
      ),
    ).toBe(0)
    expect(
      secondsUntilFull(
        [
          { t: 0, avail: 1 },
          { t: 1000, avail: 2 },
          { t: 2000, avail: 3 },
        ],
        2000,
        0,
      ),
    ).toBeUndefined()
  })
})
