import { flagBool } from '../config/config.ts'
import { Families } from '../metrics/families.ts'
import { errorCode, isNotFound } from '../platform/host-fs.ts'
import { raplZoneName, sanitizeMetricName } from '../procfs/rapl.ts'
import { parseUnsigned, sysValue } from '../procfs/sysfs-value.ts'
import { readOptional } from './read.ts'
import { resolveDir } from './sysfs-link.ts'
import type { CollectorEntry } from './types.ts'
import { NoDataError } from './types.ts'

/**
 * Intel/AMD RAPL energy counters from /sys/class/powercap. The `path` label is the zone's
 * path under --path.sysfs, as node_exporter reports it. Since Linux 5.10 energy_uj is
 * readable by root only; without permission the collector reports no data.
 */
export const raplCollector: CollectorEntry = {
  name: 'rapl',
  defaultEnabled: true,
  help: 'Exposes RAPL energy counters from /sys/class/powercap/.',
  families: [
    { name: 'node_rapl_joules_total', type: 'counter', help: 'Current RAPL value in joules' },
    // One family per zone name (package, core, uncore, dram, psys, ...).
    { name: 'node_rapl_*_joules_total', type: 'counter', help: 'Current RAPL * value in joules' },
  ],
  flags: [
    {
      name: 'collector.rapl.enable-zone-label',
      kind: 'bool',
      default: false,
      help: 'Expose one node_rapl_joules_total family with a rapl_zone label instead of one family per zone.',
    },
  ],
  create({ config }) {
    const zoneLabel = flagBool(config, 'collector.rapl.enable-zone-label')
    return {
      async collect(ctx) {
        const classDir = ctx.fs.sys('class', 'powercap')
        let entries: string[]
        try {
          entries = (await ctx.fs.readdir(classDir)).sort()
        } catch (err) {
          throw isNotFound(err) ? new NoDataError(`${classDir} not found`, { cause: err }) : err
        }
        const seen = new Map<string, number>()
        const f = new Families()
        for (const entry of entries) {
          const path = `${classDir}/${entry}`
          const dir = (await resolveDir(ctx, path)) ?? path
          const rawName = await readOptional(ctx, `${dir}/name`)
          if (rawName === undefined) {
            continue
          }
          const zone = raplZoneName(rawName.trim(), seen)
          let energy: string
          try {
            energy = await ctx.fs.readFile(`${dir}/energy_uj`)
          } catch (err) {
            if (errorCode(err) === 'EACCES' || errorCode(err) === 'EPERM') {
              throw new NoDataError(`${dir}/energy_uj is not readable (root only since Linux 5.10)`, { cause: err })
            }
            throw new Error(`couldn't read ${dir}/energy_uj: ${(err as Error).message}`, { cause: err })
          }
          const joules = parseUnsigned(sysValue(energy), `${dir}/energy_uj`) / 1000000.0
          const index = String(zone.index)
          if (zoneLabel) {
            f.counter('node_rapl_joules_total', 'Current RAPL value in joules', joules, { index, path, rapl_zone: sanitizeMetricName(zone.name) })
          } else {
            f.counter(`node_rapl_${sanitizeMetricName(zone.name)}_joules_total`, `Current RAPL ${zone.name} value in joules`, joules, { index, path })
          }
        }
        return f.list()
      },
    }
  },
}
