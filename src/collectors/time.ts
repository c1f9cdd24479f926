import { Families } from '../metrics/families.ts'
import { readOptional } from './read.ts'
import type { CollectContext, CollectorEntry } from './types.ts'

/**
 * The local zone's abbreviation and UTC offset at `ms`, as Go's time.Now().Zone() gives
 * node_exporter. The name comes from ICU (en-US): identical to Go's for UTC and for zones
 * with a CLDR abbreviation (EST, PDT, ...); elsewhere ICU says "GMT+1" where Go reads "CET"
 * from the zoneinfo file.
 */
export function localZone(ms: number, memo: ZoneMemo = {}): Zone {
  const tz = process.env.TZ
  const window = Math.floor(ms / ZONE_WINDOW_MS)
  if (memo.last !== undefined && memo.last.tz === tz && memo.last.window === window) {
    return memo.last.zone
  }
  const offsetSeconds = new Date(ms).getTimezoneOffset() * -60 + 0
  const part = zoneFormat(tz, memo)
    .formatToParts(new Date(ms))
    .find((p) => p.type === 'timeZoneName')
  const name = part?.value ?? 'UTC'
  const zone = { name: name === 'GMT' && offsetSeconds === 0 ? 'UTC' : name, offsetSeconds }
  memo.last = { tz, window, zone }
  return zone
}

interface Zone {
  readonly name: string
  readonly offsetSeconds: number
}

/** What localZone keeps between calls; the time collector's instance holds one. */
export interface ZoneMemo {
  last?: { tz: string | undefined; window: number; zone: Zone }
  formatter?: { tz: string | undefined; format: Intl.DateTimeFormat }
}

/**
 * A zone's offset changes only at a transition, and every zone in use today moves on a
 * quarter hour of UTC (its offsets are whole quarter hours, its transitions at whole local
 * hours), so one answer holds for a UTC quarter hour. Asking ICU costs more than the rest
 * of the collector: getTimezoneOffset and formatToParts were 6% of the agent's CPU.
 */
const ZONE_WINDOW_MS = 15 * 60 * 1000

// Building an Intl.DateTimeFormat loads ICU zone data: the costliest step of this
// collector when done every tick (docs/performance.md). Rebuilt only when TZ changes.
function zoneFormat(tz: string | undefined, memo: ZoneMemo): Intl.DateTimeFormat {
  if (!memo.formatter || memo.formatter.tz !== tz) {
    memo.formatter = { tz, format: new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }) }
  }
  return memo.formatter.format
}

/** Clocksources as node_exporter lists them: device = position in glob order. */
async function addClocksources(ctx: CollectContext, f: Families): Promise<void> {
  let names: string[]
  try {
    names = (await ctx.fs.readdir(ctx.fs.sys('devices/system/clocksource'))).filter((n) => /^clocksource\d+$/.test(n)).sort()
  } catch {
    return
  }
  const files = await Promise.all(
    names.map((n) => Promise.all(['available_clocksource', 'current_clocksource'].map((file) => readOptional(ctx, ctx.fs.sys('devices/system/clocksource', n, file))))),
  )
  files.forEach(([available, current], i) => {
    const device = String(i)
    for (const clocksource of available?.trim().split(/\s+/).filter(Boolean) ?? []) {
      f.gauge('node_time_clocksource_available_info', "Available clocksources read from '/sys/devices/system/clocksource'.", 1, { device, clocksource })
    }
    if (current !== undefined && current.trim() !== '') {
      f.gauge('node_time_clocksource_current_info', "Current clocksource read from '/sys/devices/system/clocksource'.", 1, { device, clocksource: current.trim() })
    }
  })
}

/** node_exporter's time collector: wall clock, zone offset and clocksources. */
export const timeCollector: CollectorEntry = {
  name: 'time',
  defaultEnabled: true,
  help: 'Exposes the current system time.',
  families: [
    { name: 'node_time_clocksource_available_info', type: 'gauge', help: "Available clocksources read from '/sys/devices/system/clocksource'." },
    { name: 'node_time_clocksource_current_info', type: 'gauge', help: "Current clocksource read from '/sys/devices/system/clocksource'." },
    { name: 'node_time_seconds', type: 'gauge', help: 'System time in seconds since epoch (1970).' },
    { name: 'node_time_zone_offset_seconds', type: 'gauge', help: 'System time zone offset in seconds.' },
  ],
  create: () => {
    const memo: ZoneMemo = {}
    return {
      async collect(ctx) {
        const ms = ctx.now()
        const zone = localZone(ms, memo)
        const f = new Families()
        f.gauge('node_time_seconds', 'System time in seconds since epoch (1970).', ms / 1000)
        f.gauge('node_time_zone_offset_seconds', 'System time zone offset in seconds.', zone.offsetSeconds, { time_zone: zone.name })
        await addClocksources(ctx, f)
        return f.list()
      },
    }
  },
}
