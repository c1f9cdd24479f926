import { Families } from '../metrics/families.ts'
import { parseDecimal, sysValue } from '../procfs/sysfs-value.ts'
import { compileFlagRegex } from './flag-regex.ts'
import { readOptional } from './read.ts'
import { sysClassDevices } from './sysfs-link.ts'
import type { CollectorEntry } from './types.ts'
import { regexpFlag } from './device-filter.ts'

/** Numeric attributes: metric suffix, sysfs file, divisor to base units (µA, µV, µWh, µW, 0.1 °C). */
const NUMERIC: readonly (readonly [metric: string, file: string, divisor: number])[] = [
  ['authentic', 'authentic', 1],
  ['calibrate', 'calibrate', 1],
  ['capacity', 'capacity', 1],
  ['capacity_alert_max', 'capacity_alert_max', 1],
  ['capacity_alert_min', 'capacity_alert_min', 1],
  ['cyclecount', 'cycle_count', 1],
  ['online', 'online', 1],
  ['present', 'present', 1],
  ['time_to_empty_seconds', 'time_to_empty_now', 1],
  ['time_to_full_seconds', 'time_to_full_now', 1],
  ['current_boot', 'current_boot', 1e6],
  ['current_max', 'current_max', 1e6],
  ['current_ampere', 'current_now', 1e6],
  ['energy_empty', 'energy_empty', 1e6],
  ['energy_empty_design', 'energy_empty_design', 1e6],
  ['energy_full', 'energy_full', 1e6],
  ['energy_full_design', 'energy_full_design', 1e6],
  ['energy_watthour', 'energy_now', 1e6],
  ['voltage_boot', 'voltage_boot', 1e6],
  ['voltage_max', 'voltage_max', 1e6],
  ['voltage_max_design', 'voltage_max_design', 1e6],
  ['voltage_min', 'voltage_min', 1e6],
  ['voltage_min_design', 'voltage_min_design', 1e6],
  ['voltage_volt', 'voltage_now', 1e6],
  ['voltage_ocv', 'voltage_ocv', 1e6],
  ['charge_control_limit', 'charge_control_limit', 1e6],
  ['charge_control_limit_max', 'charge_control_limit_max', 1e6],
  ['charge_counter', 'charge_counter', 1e6],
  ['charge_empty', 'charge_empty', 1e6],
  ['charge_empty_design', 'charge_empty_design', 1e6],
  ['charge_full', 'charge_full', 1e6],
  ['charge_full_design', 'charge_full_design', 1e6],
  ['charge_ampere', 'charge_now', 1e6],
  ['charge_term_current', 'charge_term_current', 1e6],
  ['constant_charge_current', 'constant_charge_current', 1e6],
  ['constant_charge_current_max', 'constant_charge_current_max', 1e6],
  ['constant_charge_voltage', 'constant_charge_voltage', 1e6],
  ['constant_charge_voltage_max', 'constant_charge_voltage_max', 1e6],
  ['precharge_current', 'precharge_current', 1e6],
  ['input_current_limit', 'input_current_limit', 1e6],
  ['power_watt', 'power_now', 1e6],
  ['temp_celsius', 'temp', 10],
  ['temp_alert_max_celsius', 'temp_alert_max', 10],
  ['temp_alert_min_celsius', 'temp_alert_min', 10],
  ['temp_ambient_celsius', 'temp_ambient', 10],
  ['temp_ambient_max_celsius', 'temp_ambient_max', 10],
  ['temp_ambient_min_celsius', 'temp_ambient_min', 10],
  ['temp_max_celsius', 'temp_max', 10],
  ['temp_min_celsius', 'temp_min', 10],
]

/** String attributes that become labels of node_power_supply_info (when non-empty). */
const INFO = ['capacity_level', 'charge_type', 'health', 'manufacturer', 'model_name', 'serial_number', 'status', 'technology', 'type', 'usb_type', 'scope'] as const

/** Batteries, AC adapters and USB supplies from /sys/class/power_supply. */
export const powersupplyclassCollector: CollectorEntry = {
  name: 'powersupplyclass',
  defaultEnabled: true,
  help: 'Exposes power supply (battery, AC) statistics from /sys/class/power_supply/.',
  families: [
    { name: 'node_power_supply_*', type: 'gauge', help: '* value of /sys/class/power_supply/<power_supply>.' },
    { name: 'node_power_supply_info', type: 'gauge', help: 'info of /sys/class/power_supply/<power_supply>.' },
  ],
  flags: [
    {
      name: 'collector.powersupply.ignored-supplies',
      kind: 'string',
      check: regexpFlag,
      default: '^$',
      help: 'Regexp of power supplies to ignore for powersupplyclass collector.',
    },
  ],
  create({ config }) {
    const ignored = compileFlagRegex(config, 'collector.powersupply.ignored-supplies')
    return {
      async collect(ctx) {
        const supplies = await sysClassDevices(ctx, 'power_supply')
        const f = new Families()
        for (const { name, dir } of supplies) {
          if (ignored.test(name)) {
            continue
          }
          const files = [...NUMERIC.map(([, file]) => file), ...INFO]
          const values = new Map(
            await Promise.all(
              files.map(async (file) => {
                const text = await readOptional(ctx, `${dir}/${file}`)
                return [file, text === undefined ? undefined : sysValue(text)] as const
              }),
            ),
          )
          for (const [metric, file, divisor] of NUMERIC) {
            const raw = values.get(file)
            let value: number | undefined
            try {
              value = raw === undefined ? undefined : parseDecimal(raw, `${dir}/${file}`)
            } catch {
              value = undefined
            }
            if (value !== undefined) {
              const help = `${metric} value of /sys/class/power_supply/<power_supply>.`
              f.gauge(`node_power_supply_${metric}`, help, divisor === 1 ? value : value / divisor, { power_supply: name })
            }
          }
          const labels: Record<string, string> = { power_supply: name }
          for (const key of INFO) {
            const v = values.get(key)
            if (v) {
              labels[key] = v
            }
          }
          f.gauge('node_power_supply_info', 'info of /sys/class/power_supply/<power_supply>.', 1, labels)
        }
        return f.list()
      },
    }
  },
}
