import { Families } from '../metrics/families.ts'
import { MD_REDUNDANT_LEVELS, parseMdstat } from '../procfs/mdstat.ts'
import { parseUnsigned, sysValue } from '../procfs/sysfs-value.ts'
import { readOptional, readOrNoData } from './read.ts'
import type { CollectorEntry, CollectContext } from './types.ts'

/**
 * node_md_state's label values and the activity state each one reports: procfs says
 * "resyncing"/"checking", the label says "resync"/"check". A reshaping array (and any
 * state outside this table) reads 0 on all five, as in node_exporter.
 */
const STATES = [
  ['active', 'active'],
  ['inactive', 'inactive'],
  ['recovering', 'recovering'],
  ['resync', 'resyncing'],
  ['check', 'checking'],
] as const

const HELP = {
  blocks: 'Total number of blocks on device.',
  blocksSynced: 'Number of blocks synced on device.',
  degraded: 'Number of degraded disks on device.',
  disks: 'Number of active/failed/spare disks of device.',
  disksRequired: 'Total number of disks of device.',
  raidDisks: 'Number of raid disks on device.',
  state: 'Indicates the state of md-device.',
}

interface MdRaid {
  readonly device: string
  readonly disks: number
  readonly degraded: number
}

async function attr(ctx: CollectContext, path: string): Promise<string | undefined> {
  const text = await readOptional(ctx, path)
  return text === undefined ? undefined : sysValue(text)
}

/**
 * /sys/block/mdN/md: raid_disks, and degraded for the levels that have it (0 otherwise,
 * as procfs reports). node_exporter drops every array when one lacks any attribute
 * procfs reads (uuid, sync_completed, ...); here only the array whose raid_disks, level
 * or degraded is missing or malformed is left out.
 */
async function mdRaids(ctx: CollectContext): Promise<MdRaid[]> {
  const names = await ctx.fs.readdir(ctx.fs.sys('block')).catch(() => [] as string[])
  const raids: MdRaid[] = []
  for (const device of names.filter((n) => n.startsWith('md')).sort()) {
    const dir = ctx.fs.sys('block', device, 'md')
    const [level, disksText] = await Promise.all([attr(ctx, `${dir}/level`), attr(ctx, `${dir}/raid_disks`)])
    if (level === undefined || disksText === undefined) {
      continue
    }
    try {
      const disks = parseUnsigned(disksText, `${dir}/raid_disks`)
      let degraded = 0
      if (MD_REDUNDANT_LEVELS.has(level)) {
        const text = await attr(ctx, `${dir}/degraded`)
        if (text === undefined) {
          ctx.log.debug('md array has no readable degraded attribute; skipped', { path: `${dir}/degraded` })
          continue
        }
        degraded = parseUnsigned(text, `${dir}/degraded`)
      }
      raids.push({ device, disks, degraded })
    } catch (err) {
      ctx.log.warn('skipping md array with a malformed sysfs attribute', { device, err: (err as Error).message })
    }
  }
  return raids
}

/** Linux software RAID: /proc/mdstat, plus raid_disks and degraded from /sys/block/mdN/md. */
export const mdadmCollector: CollectorEntry = {
  name: 'mdadm',
  defaultEnabled: true,
  help: 'Exposes statistics about devices in /proc/mdstat (does nothing if no /proc/mdstat present).',
  families: [
    { name: 'node_md_blocks', type: 'gauge', help: HELP.blocks },
    { name: 'node_md_blocks_synced', type: 'gauge', help: HELP.blocksSynced },
    { name: 'node_md_degraded', type: 'gauge', help: HELP.degraded },
    { name: 'node_md_disks', type: 'gauge', help: HELP.disks },
    { name: 'node_md_disks_required', type: 'gauge', help: HELP.disksRequired },
    { name: 'node_md_raid_disks', type: 'gauge', help: HELP.raidDisks },
    { name: 'node_md_state', type: 'gauge', help: HELP.state },
  ],
  create: () => ({
    async collect(ctx) {
      const file = ctx.fs.proc('mdstat')
      const arrays = parseMdstat(await readOrNoData(ctx, file), file)
      const f = new Families()
      const seen = new Set<string>()
      for (const md of arrays) {
        // A repeated name would make duplicate series; the kernel never prints one.
        if (seen.has(md.name)) {
          continue
        }
        seen.add(md.name)
        const device = md.name
        f.gauge('node_md_disks_required', HELP.disksRequired, md.disksTotal, { device })
        f.gauge('node_md_disks', HELP.disks, md.disksActive, { device, state: 'active' })
        f.gauge('node_md_disks', HELP.disks, md.disksFailed, { device, state: 'failed' })
        f.gauge('node_md_disks', HELP.disks, md.disksSpare, { device, state: 'spare' })
        for (const [label, activity] of STATES) {
          f.gauge('node_md_state', HELP.state, md.activityState === activity ? 1 : 0, { device, state: label })
        }
        f.gauge('node_md_blocks', HELP.blocks, md.blocksTotal, { device })
        f.gauge('node_md_blocks_synced', HELP.blocksSynced, md.blocksSynced, { device })
      }
      for (const raid of await mdRaids(ctx)) {
        f.gauge('node_md_raid_disks', HELP.raidDisks, raid.disks, { device: raid.device })
        f.gauge('node_md_degraded', HELP.degraded, raid.degraded, { device: raid.device })
      }
      return f.list()
    },
  }),
}
