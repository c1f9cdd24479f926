import { Families } from '../metrics/families.ts'
import { errorCode } from '../platform/host-fs.ts'
import { WATCHDOG_NUMBERS, WATCHDOG_STRINGS, parseWatchdog } from '../procfs/watchdog.ts'
import type { WatchdogNumber } from '../procfs/watchdog.ts'
import { readFailure } from './read.ts'
import { sysClassDevices } from './sysfs-link.ts'
import type { CollectContext, CollectorEntry } from './types.ts'
import { NoDataError } from './types.ts'

/** Metric per numeric attribute (file name -> node_watchdog_<suffix>). */
const METRIC: Record<WatchdogNumber, string> = {
  bootstatus: 'bootstatus',
  fw_version: 'fw_version',
  nowayout: 'nowayout',
  timeleft: 'timeleft_seconds',
  timeout: 'timeout_seconds',
  pretimeout: 'pretimeout_seconds',
  access_cs0: 'access_cs0',
}

/**
 * One attribute file: undefined when the device lacks it. As node_exporter, a file that
 * may not be read makes the whole collector report no data, and any other read error
 * fails it.
 */
async function readAttribute(ctx: CollectContext, path: string): Promise<string | undefined> {
  try {
    return await ctx.fs.readFile(path)
  } catch (err) {
    if (errorCode(err) === 'ENOENT') {
      return undefined
    }
    throw readError(path, err)
  }
}

/** EACCES/EPERM (os.ErrPermission upstream) is no data; anything else is a failure. */
function readError(path: string, err: unknown): Error {
  const code = errorCode(err)
  if (code === 'EACCES' || code === 'EPERM') {
    return new NoDataError(`couldn't read ${path}: permission denied`, { cause: err })
  }
  return readFailure(path, err)
}

/** Hardware and software watchdog timers from /sys/class/watchdog/<name>/. */
export const watchdogCollector: CollectorEntry = {
  name: 'watchdog',
  defaultEnabled: true,
  help: 'Exposes statistics from /sys/class/watchdog.',
  families: [
    { name: 'node_watchdog_access_cs0', type: 'gauge', help: 'Value of /sys/class/watchdog/<watchdog>/access_cs0' },
    { name: 'node_watchdog_bootstatus', type: 'gauge', help: 'Value of /sys/class/watchdog/<watchdog>/bootstatus' },
    { name: 'node_watchdog_fw_version', type: 'gauge', help: 'Value of /sys/class/watchdog/<watchdog>/fw_version' },
    { name: 'node_watchdog_info', type: 'gauge', help: 'Info of /sys/class/watchdog/<watchdog>' },
    { name: 'node_watchdog_nowayout', type: 'gauge', help: 'Value of /sys/class/watchdog/<watchdog>/nowayout' },
    { name: 'node_watchdog_pretimeout_seconds', type: 'gauge', help: 'Value of /sys/class/watchdog/<watchdog>/pretimeout' },
    { name: 'node_watchdog_timeleft_seconds', type: 'gauge', help: 'Value of /sys/class/watchdog/<watchdog>/timeleft' },
    { name: 'node_watchdog_timeout_seconds', type: 'gauge', help: 'Value of /sys/class/watchdog/<watchdog>/timeout' },
  ],
  create: () => ({
    async collect(ctx) {
      const devices = await sysClassDevices(ctx, 'watchdog').catch((err: unknown) => {
        throw err instanceof NoDataError ? err : readError(ctx.fs.sys('class', 'watchdog'), err)
      })
      const files = [...WATCHDOG_NUMBERS, ...WATCHDOG_STRINGS]
      const f = new Families()
      for (const { name, dir } of devices) {
        const texts = await Promise.all(files.map((file) => readAttribute(ctx, `${dir}/${file}`)))
        const present = new Map<string, string>()
        texts.forEach((text, i) => {
          if (text !== undefined) {
            present.set(files[i] as string, text)
          }
        })
        const wd = parseWatchdog(name, `${ctx.fs.sys('class', 'watchdog')}/${name}`, present)
        for (const key of WATCHDOG_NUMBERS) {
          const value = wd.numbers.get(key)
          if (value !== undefined) {
            f.gauge(`node_watchdog_${METRIC[key]}`, `Value of /sys/class/watchdog/<watchdog>/${key}`, value, { name })
          }
        }
        const labels: Record<string, string> = { name }
        for (const key of WATCHDOG_STRINGS) {
          labels[key] = wd.strings.get(key) ?? ''
        }
        f.gauge('node_watchdog_info', 'Info of /sys/class/watchdog/<watchdog>', 1, labels)
      }
      return f.list()
    },
  }),
}
