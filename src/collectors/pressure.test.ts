import { describe, expect, it } from 'vitest'
import { collectFrom, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B, withProc } from '../../test/helpers/host-b.ts'
import { createHostFS } from '../platform/host-fs.ts'
import type { HostFS } from '../platform/host-fs.ts'
import { pressureCollector } from './pressure.ts'
import { NoDataError } from './types.ts'

const LINE = (kind: string, total: number) => `${kind} avg10=0.00 avg60=0.00 avg300=0.00 total=${total}\n`

describe('pressure collector', () => {
  it('exports some/full totals in seconds; no irq file is fine', async () => {
    const families = await collectFrom(pressureCollector, HOST_B)
    expect(sampleValue(families, 'node_pressure_cpu_waiting_seconds_total')).toBe(2.5)
    expect(sampleValue(families, 'node_pressure_io_waiting_seconds_total')).toBe(0.75)
    expect(sampleValue(families, 'node_pressure_io_stalled_seconds_total')).toBe(0.5)
    expect(sampleValue(families, 'node_pressure_memory_stalled_seconds_total')).toBeCloseTo(0.00001, 12)
    expect(samplesOf(families, 'node_pressure_irq_stalled_seconds_total')).toEqual([])
    // Like node_exporter: the cpu "full" line is not exported.
    expect(samplesOf(families, 'node_pressure_cpu_stalled_seconds_total')).toEqual([])
  })

  it('exports irq pressure where the kernel has it', async () => {
    const files = {
      'pressure/cpu': LINE('some', 1),
      'pressure/io': LINE('some', 2) + LINE('full', 3),
      'pressure/memory': LINE('some', 4) + LINE('full', 5),
      'pressure/irq': LINE('full', 8_000_000),
    }
    const families = await withProc(files, (o) => collectFrom(pressureCollector, o))
    expect(sampleValue(families, 'node_pressure_irq_stalled_seconds_total')).toBe(8)
  })

  it('reports no data when PSI is compiled in but disabled (EOPNOTSUPP on read)', async () => {
    const real = createHostFS({ procfs: HOST_B.procfs as string, sysfs: '/nonexistent', rootfs: '/nonexistent' })
    const fs: HostFS = {
      ...real,
      readFile: async (path) => {
        throw Object.assign(new Error(`EOPNOTSUPP: operation not supported, read '${path}'`), { code: 'EOPNOTSUPP' })
      },
    }
    await expect(collectFrom(pressureCollector, { ...HOST_B, fs })).rejects.toBeInstanceOf(NoDataError)
  })

  it('reports no data without PSI or with a file lacking its full line', async () => {
    await expect(collectFrom(pressureCollector)).rejects.toBeInstanceOf(NoDataError)
    const files = { 'pressure/cpu': LINE('some', 1), 'pressure/io': LINE('some', 2), 'pressure/memory': LINE('some', 4) + LINE('full', 5) }
    await expect(withProc(files, (o) => collectFrom(pressureCollector, o))).rejects.toBeInstanceOf(NoDataError)
  })
})
