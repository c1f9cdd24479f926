import { Families } from '../metrics/families.ts'
import { errorCode } from '../platform/host-fs.ts'
import { parsePressure } from '../procfs/pressure.ts'
import type { Pressure } from '../procfs/pressure.ts'
import { readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'
import { NoDataError } from './types.ts'

/** One exported counter: which resource file, which line, and node_exporter's name and help. */
interface PressureMetric {
  readonly resource: 'cpu' | 'io' | 'memory' | 'irq'
  readonly line: 'some' | 'full'
  readonly name: string
  readonly help: string
}

const METRICS: readonly PressureMetric[] = [
  { resource: 'cpu', line: 'some', name: 'node_pressure_cpu_waiting_seconds_total', help: 'Total time in seconds that processes have waited for CPU time' },
  { resource: 'io', line: 'some', name: 'node_pressure_io_waiting_seconds_total', help: 'Total time in seconds that processes have waited due to IO congestion' },
  { resource: 'io', line: 'full', name: 'node_pressure_io_stalled_seconds_total', help: 'Total time in seconds no process could make progress due to IO congestion' },
  { resource: 'memory', line: 'some', name: 'node_pressure_memory_waiting_seconds_total', help: 'Total time in seconds that processes have waited for memory' },
  { resource: 'memory', line: 'full', name: 'node_pressure_memory_stalled_seconds_total', help: 'Total time in seconds no process could make progress due to memory congestion' },
  { resource: 'irq', line: 'full', name: 'node_pressure_irq_stalled_seconds_total', help: 'Total time in seconds no process could make progress due to IRQ congestion' },
]

/**
 * Pressure stall information (Linux >= 4.20 with CONFIG_PSI). cpu, io and memory are
 * required; irq exists from Linux 6.1 and is skipped when absent. Like node_exporter,
 * the cpu "full" line (printed by newer kernels) is not exported.
 */
export const pressureCollector: CollectorEntry = {
  name: 'pressure',
  defaultEnabled: true,
  help: 'Exposes pressure stall statistics from /proc/pressure/.',
  families: [
    { name: 'node_pressure_cpu_waiting_seconds_total', type: 'counter', help: 'Total time in seconds that processes have waited for CPU time' },
    { name: 'node_pressure_io_stalled_seconds_total', type: 'counter', help: 'Total time in seconds no process could make progress due to IO congestion' },
    { name: 'node_pressure_io_waiting_seconds_total', type: 'counter', help: 'Total time in seconds that processes have waited due to IO congestion' },
    { name: 'node_pressure_irq_stalled_seconds_total', type: 'counter', help: 'Total time in seconds no process could make progress due to IRQ congestion' },
    { name: 'node_pressure_memory_stalled_seconds_total', type: 'counter', help: 'Total time in seconds no process could make progress due to memory congestion' },
    { name: 'node_pressure_memory_waiting_seconds_total', type: 'counter', help: 'Total time in seconds that processes have waited for memory' },
  ],
  create: () => ({
    async collect(ctx) {
      const byResource = new Map<string, Pressure>()
      for (const resource of ['cpu', 'io', 'memory', 'irq'] as const) {
        const path = ctx.fs.proc('pressure', resource)
        let text: string
        try {
          text = await readOrNoData(ctx, path)
        } catch (err) {
          if (resource === 'irq' && err instanceof NoDataError) {
            continue
          }
          const code = errorCode((err as Error).cause)
          if (code === 'EOPNOTSUPP' || code === 'ENOTSUP') {
            throw new NoDataError('pressure information is disabled (boot with psi=1 to enable it)', { cause: err })
          }
          throw err
        }
        byResource.set(resource, parsePressure(text, path))
      }
      const f = new Families()
      for (const m of METRICS) {
        const p = byResource.get(m.resource)
        const line = p?.[m.line]
        if (p && !line && m.resource !== 'irq') {
          throw new NoDataError(`/proc/pressure/${m.resource} has no "${m.line}" line`)
        }
        if (line) {
          f.counter(m.name, m.help, line.totalMicroseconds / 1000 / 1000)
        }
      }
      return f.list()
    },
  }),
}
