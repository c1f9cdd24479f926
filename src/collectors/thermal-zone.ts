import { Families } from '../metrics/families.ts'
import { parseDecimal, sysValue } from '../procfs/sysfs-value.ts'
import { readOptional } from './read.ts'
import { sysClassDevices } from './sysfs-link.ts'
import type { CollectorEntry, CollectContext } from './types.ts'

async function readAll(ctx: CollectContext, dir: string, files: readonly string[]): Promise<(string | undefined)[]> {
  return Promise.all(
    files.map(async (file) => {
      const text = await readOptional(ctx, `${dir}/${file}`)
      return text === undefined ? undefined : sysValue(text)
    }),
  )
}

/**
 * Thermal zones and cooling devices from /sys/class/thermal. A zone or device whose
 * attributes cannot be read (ENODATA/EAGAIN from a sleeping sensor) is skipped for this
 * run, as procfs does.
 */
export const thermalZoneCollector: CollectorEntry = {
  name: 'thermal_zone',
  defaultEnabled: true,
  help: 'Exposes thermal zone temperatures and cooling device states from /sys/class/thermal/.',
  families: [
    { name: 'node_cooling_device_cur_state', type: 'gauge', help: 'Current throttle state of the cooling device' },
    { name: 'node_cooling_device_max_state', type: 'gauge', help: 'Maximum throttle state of the cooling device' },
    { name: 'node_thermal_zone_temp', type: 'gauge', help: 'Zone temperature in Celsius' },
  ],
  create: () => ({
    async collect(ctx) {
      const devices = await sysClassDevices(ctx, 'thermal')
      const f = new Families()
      for (const { name, dir } of devices.filter((d) => d.name.startsWith('thermal_zone'))) {
        const [type, policy, temp] = await readAll(ctx, dir, ['type', 'policy', 'temp'])
        if (type === undefined || policy === undefined || temp === undefined) {
          continue
        }
        const zone = name.slice('thermal_zone'.length)
        f.gauge('node_thermal_zone_temp', 'Zone temperature in Celsius', parseDecimal(temp, `${dir}/temp`) / 1000.0, { zone, type })
      }
      for (const { name: entry, dir } of devices.filter((d) => d.name.startsWith('cooling_device'))) {
        const [type, max, cur] = await readAll(ctx, dir, ['type', 'max_state', 'cur_state'])
        if (type === undefined || max === undefined || cur === undefined) {
          continue
        }
        const labels = { name: entry.slice('cooling_device'.length), type }
        f.gauge('node_cooling_device_cur_state', 'Current throttle state of the cooling device', parseDecimal(cur, `${dir}/cur_state`), labels)
        f.gauge('node_cooling_device_max_state', 'Maximum throttle state of the cooling device', parseDecimal(max, `${dir}/max_state`), labels)
      }
      return f.list()
    },
  }),
}
