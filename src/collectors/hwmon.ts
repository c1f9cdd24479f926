import { basename, dirname } from 'node:path'
import { Families } from '../metrics/families.ts'
import type { MetricType } from '../metrics/types.ts'
import { isNotFound } from '../platform/host-fs.ts'
import { HWMON_SENSOR_TYPES, cleanMetricName, explodeSensorFilename } from '../procfs/hwmon.ts'
import { tryFloat } from '../procfs/sysfs-value.ts'
import { deviceFilterFlags, deviceFilterFrom } from './device-filter.ts'
import { readOptional } from './read.ts'
import { resolveDir } from './sysfs-link.ts'
import type { CollectorEntry, CollectContext } from './types.ts'
import { NoDataError } from './types.ts'

/** Sensor -> property -> raw value ("temp1" -> "crit" -> "100000"). */
type SensorData = Map<string, Map<string, string>>

interface Chip {
  readonly entry: string
  readonly dir: string
  readonly deviceDir?: string
  /** Cleaned content of the `name` file, '' when absent. */
  readonly name: string
  base: string
}

interface ElementMetric {
  readonly name: string
  readonly type: MetricType
  readonly help: string
  readonly scale: (v: number) => number
}

const id = (v: number) => v
const milli = (v: number) => v * 0.001
const micro = (v: number) => v / 1000000.0

/**
 * How node_exporter names one sensor element (file temp1_crit is sensor temp1, element
 * crit): the rules are tried in order, the first match wins. `hasBare` is true when the
 * sensor also has a file without property (pwm1 next to pwm1_enable).
 */
export function elementMetric(type: string, element: string, hasBare: boolean): ElementMetric {
  let name = `node_hwmon_${type}`
  if (element === 'input') {
    name += hasBare ? '_input' : ''
  } else if (element !== '') {
    name += `_${cleanMetricName(element)}`
  }
  const gauge = (suffix: string, help: string, scale = id): ElementMetric => ({ name: name + suffix, type: 'gauge', help, scale })
  if (element === 'fault' || element === 'alarm') {
    return gauge('', `Hardware sensor ${element} status (${type})`)
  }
  if (element === 'beep') {
    return gauge('_enabled', 'Hardware monitor sensor has beeping enabled')
  }
  switch (type) {
    case 'in':
    case 'cpu':
      return gauge('_volts', `Hardware monitor for voltage (${element})`, milli)
    case 'temp':
      if (element !== 'type') {
        return gauge('_celsius', `Hardware monitor for temperature (${element === '' ? 'input' : element})`, milli)
      }
      break
    case 'curr':
      return gauge('_amps', `Hardware monitor for current (${element})`, milli)
    case 'energy':
      return { name: `${name}_joule_total`, type: 'counter', help: `Hardware monitor for joules used so far (${element})`, scale: micro }
    case 'power':
      if (element === 'accuracy') {
        return gauge('', 'Hardware monitor power meter accuracy, as a ratio', micro)
      }
      if (element === 'average_interval' || element === 'average_interval_min' || element === 'average_interval_max') {
        return gauge('_seconds', `Hardware monitor power usage update interval (${element})`, milli)
      }
      return gauge('_watt', `Hardware monitor for power usage in watts (${element})`, micro)
    case 'humidity':
      return gauge('', `Hardware monitor for humidity, as a ratio (multiply with 100.0 to get the humidity as a percentage) (${element})`, micro)
    case 'fan':
      if (['input', 'min', 'max', 'target'].includes(element)) {
        return gauge('_rpm', `Hardware monitor for fan revolutions per minute (${element})`)
      }
      break
    case 'freq':
      if (element === 'input') {
        return gauge('_freq_mhz', 'Hardware monitor for GPU frequency in MHz', micro)
      }
      break
  }
  return gauge('', `Hardware monitor ${type} element ${element}`)
}

async function collectSensorData(ctx: CollectContext, dir: string, data: SensorData): Promise<void> {
  const files = await ctx.fs.readdir(dir)
  await Promise.all(
    files.sort().map(async (file) => {
      const parts = explodeSensorFilename(file)
      if (!parts || !HWMON_SENSOR_TYPES.has(parts.type)) {
        return
      }
      const raw = await readOptional(ctx, `${dir}/${file}`)
      if (raw === undefined) {
        return
      }
      const sensor = `${parts.type}${parts.num}`
      let props = data.get(sensor)
      if (!props) {
        props = new Map()
        data.set(sensor, props)
      }
      props.set(parts.property, raw.replace(/^\n+|\n+$/g, ''))
    }),
  )
}

async function readChip(ctx: CollectContext, classDir: string, entry: string): Promise<Chip | undefined> {
  const dir = await resolveDir(ctx, `${classDir}/${entry}`)
  if (dir === undefined) {
    return undefined
  }
  const deviceDir = await resolveDir(ctx, `${dir}/device`)
  const name = cleanMetricName((await readOptional(ctx, `${dir}/name`)) ?? '')
  // Preference 1: <device type>_<device name> from the device link, always stable.
  let base = ''
  if (deviceDir !== undefined) {
    const devName = cleanMetricName(basename(deviceDir))
    const devType = cleanMetricName(basename(dirname(deviceDir)))
    base = devType !== '' && devName !== '' ? `${devType}_${devName}` : devName
  }
  // Preference 2: the name file. Last resort: the hwmonN directory name.
  base ||= name || cleanMetricName(basename(dir))
  if (base === '') {
    return undefined
  }
  return { entry, dir, name, base, ...(deviceDir === undefined ? {} : { deviceDir }) }
}

/** Several hwmon nodes on one device share a base name: add the name file, else the hwmonN name. */
function disambiguate(chips: Chip[]): void {
  const groups = new Map<string, Chip[]>()
  for (const chip of chips) {
    groups.set(chip.base, [...(groups.get(chip.base) ?? []), chip])
  }
  for (const [base, group] of groups) {
    if (group.length < 2) {
      continue
    }
    const names = group.map((c) => c.name)
    const namesUnique = names.every((n) => n !== '') && new Set(names).size === names.length
    for (const chip of group) {
      chip.base = `${base}_${namesUnique ? chip.name : cleanMetricName(chip.entry)}`
    }
  }
}

/**
 * Hardware sensors from /sys/class/hwmon (what lm-sensors shows): one chip label per
 * hwmon node, sensors read from the node and its device directory.
 */
export const hwmonCollector: CollectorEntry = {
  name: 'hwmon',
  defaultEnabled: true,
  help: 'Exposes hardware monitoring and sensor data from /sys/class/hwmon/.',
  families: [
    { name: 'node_hwmon_*_total', type: 'counter', help: 'Hardware monitor *' },
    { name: 'node_hwmon_*', type: 'gauge', help: 'Hardware *' },
    { name: 'node_hwmon_chip_names', type: 'gauge', help: 'Annotation metric for human-readable chip names' },
    { name: 'node_hwmon_sensor_label', type: 'gauge', help: 'Label for given chip and sensor' },
  ],
  flags: [...deviceFilterFlags('collector.hwmon.chip', 'hwmon chip'), ...deviceFilterFlags('collector.hwmon.sensor', 'hwmon sensor (matched against "chip;sensor")')],
  create({ config }) {
    const chipFilter = deviceFilterFrom(config, 'collector.hwmon.chip')
    const sensorFilter = deviceFilterFrom(config, 'collector.hwmon.sensor')
    return {
      async collect(ctx) {
        const classDir = ctx.fs.sys('class', 'hwmon')
        let entries: string[]
        try {
          entries = (await ctx.fs.readdir(classDir)).sort()
        } catch (err) {
          throw isNotFound(err) ? new NoDataError(`${classDir} not found`, { cause: err }) : err
        }
        const chips = (await Promise.all(entries.map((e) => readChip(ctx, classDir, e)))).filter((c) => c !== undefined)
        disambiguate(chips)
        const f = new Families()
        for (const chip of chips) {
          if (chipFilter.ignored(chip.base)) {
            continue
          }
          const data: SensorData = new Map()
          await collectSensorData(ctx, chip.dir, data)
          if (chip.deviceDir !== undefined) {
            await collectSensorData(ctx, chip.deviceDir, data)
          }
          if (chip.name !== '') {
            f.gauge('node_hwmon_chip_names', 'Annotation metric for human-readable chip names', 1, { chip: chip.base, chip_name: chip.name })
          }
          for (const sensor of [...data.keys()].sort()) {
            if (!sensorFilter.ignored(`${chip.base};${sensor}`)) {
              emitSensor(f, chip.base, sensor, data.get(sensor) as Map<string, string>)
            }
          }
        }
        return f.list()
      },
    }
  },
}

function emitSensor(f: Families, chip: string, sensor: string, props: Map<string, string>): void {
  const type = explodeSensorFilename(sensor)?.type ?? sensor
  const labels = { chip, sensor }
  const label = props.get('label')
  if (label !== undefined) {
    f.gauge('node_hwmon_sensor_label', 'Label for given chip and sensor', 1, { chip, sensor, label })
  }
  const bare = props.get('')
  if (type === 'beep_enable') {
    f.gauge('node_hwmon_beep_enabled', 'Hardware beep enabled', bare === '1' ? 1 : 0, labels)
    return
  }
  if (type === 'vrm' || type === 'update_interval') {
    const value = tryFloat(bare)
    if (value !== undefined && type === 'vrm') {
      f.gauge('node_hwmon_voltage_regulator_version', 'Hardware voltage regulator', value, labels)
    } else if (value !== undefined) {
      f.gauge('node_hwmon_update_interval_seconds', 'Hardware monitor update interval', value * 0.001, labels)
    }
    return
  }
  for (const element of [...props.keys()].sort()) {
    const value = tryFloat(props.get(element))
    if (element === 'label' || value === undefined) {
      continue
    }
    const metric = elementMetric(type, element, bare !== undefined)
    if (type === 'freq' && element === 'input') {
      // Emitted only for labelled sensors; the cleaned label replaces the sensor name.
      if (label !== undefined) {
        f.add(metric.name, metric.type, metric.help, { chip, sensor: cleanMetricName(label) }, metric.scale(value))
      }
      continue
    }
    f.add(metric.name, metric.type, metric.help, labels, metric.scale(value))
  }
}
