import { Families } from '../metrics/families.ts'
import { readIfPresent, readOrNoData } from './read.ts'
import type { CollectContext, CollectorEntry } from './types.ts'

/** strings.Fields: the whitespace-separated names of bonding_masters and bonding/slaves. */
function names(text: string): string[] {
  const trimmed = text.trim()
  return trimmed === '' ? [] : trimmed.split(/\s+/)
}

/** A slave's bonding_slave/mii_status under lower_<slave>, or slave_<slave> on older kernels. */
async function miiStatus(ctx: CollectContext, masterDir: string, slave: string): Promise<string> {
  return (await readIfPresent(ctx, `${masterDir}/lower_${slave}/bonding_slave/mii_status`)) ?? readOrNoData(ctx, `${masterDir}/slave_${slave}/bonding_slave/mii_status`)
}

/**
 * node_exporter's bonding: for each master in <sysfs>/class/net/bonding_masters, the slaves
 * listed in its bonding/slaves and how many of them have mii_status "up". As upstream, any
 * of these files missing (bonding_masters, a master's slaves, a slave's mii_status) is no
 * data for the whole collector, and a master listed twice is reported once.
 */
export const bondingCollector: CollectorEntry = {
  name: 'bonding',
  defaultEnabled: true,
  help: 'Exposes the number of configured and active slaves of Linux bonding interfaces.',
  families: [
    { name: 'node_bonding_active', type: 'gauge', help: 'Number of active slaves per bonding interface.' },
    { name: 'node_bonding_slaves', type: 'gauge', help: 'Number of configured slaves per bonding interface.' },
  ],
  create: () => ({
    async collect(ctx) {
      const root = ctx.fs.sys('class', 'net')
      const masters = names(await readOrNoData(ctx, `${root}/bonding_masters`))
      const status = new Map<string, { slaves: number; active: number }>()
      for (const master of masters) {
        const masterDir = ctx.fs.sys('class', 'net', master)
        const slaves = names(await readOrNoData(ctx, `${masterDir}/bonding/slaves`))
        let active = 0
        for (const slave of slaves) {
          if ((await miiStatus(ctx, masterDir, slave)).trim() === 'up') {
            active++
          }
        }
        status.set(master, { slaves: slaves.length, active })
      }
      const f = new Families()
      for (const [master, s] of status) {
        f.gauge('node_bonding_slaves', 'Number of configured slaves per bonding interface.', s.slaves, { master })
        f.gauge('node_bonding_active', 'Number of active slaves per bonding interface.', s.active, { master })
      }
      return f.list()
    },
  }),
}
