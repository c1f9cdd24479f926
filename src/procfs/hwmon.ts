/** Sensor types node_exporter reads from a hwmon directory; other files are ignored. */
export const HWMON_SENSOR_TYPES: ReadonlySet<string> = new Set([
  'vrm',
  'beep_enable',
  'update_interval',
  'in',
  'cpu',
  'fan',
  'pwm',
  'temp',
  'curr',
  'power',
  'energy',
  'humidity',
  'intrusion',
  'freq',
])

export interface SensorFile {
  readonly type: string
  readonly num: number
  /** "input", "crit_alarm", ... or "" for a bare file such as pwm1. */
  readonly property: string
}

const SENSOR_FILE = /^([^0-9]+)([0-9]*)?(_(.+))?$/

/** Splits a hwmon attribute file name into <type><num>_<property> ("temp1_crit_alarm"). */
export function explodeSensorFilename(name: string): SensorFile | undefined {
  const m = SENSOR_FILE.exec(name)
  if (!m) {
    return undefined
  }
  const digits = m[2] ?? ''
  const num = digits === '' ? 0 : Number(digits)
  if (!Number.isSafeInteger(num)) {
    return undefined
  }
  return { type: m[1] as string, num, property: m[4] ?? '' }
}

/** node_exporter's cleanMetricName: lower case, [^a-z0-9:_] to "_", trimmed of "_". */
export function cleanMetricName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9:_]/g, '_')
    .replace(/^_+|_+$/g, '')
}
