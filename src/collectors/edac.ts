import { Families } from '../metrics/families.ts'
import { edacChannel, edacDimmLabel, edacIndex, parseEdacCount } from '../procfs/edac.ts'
import { listOrNoData, readOptional, readRequired } from './read.ts'
import type { CollectorEntry, CollectContext } from './types.ts'

const CE = ['node_edac_correctable_errors_total', 'Total correctable memory errors.'] as const
const UE = ['node_edac_uncorrectable_errors_total', 'Total uncorrectable memory errors.'] as const
const CSROW_CE = ['node_edac_csrow_correctable_errors_total', 'Total correctable memory errors for this csrow.'] as const
const CSROW_UE = ['node_edac_csrow_uncorrectable_errors_total', 'Total uncorrectable memory errors for this csrow.'] as const
const CHANNEL_CE = ['node_edac_channel_correctable_errors_total', 'Total correctable memory errors for this channel.'] as const
const CHANNEL_UE = ['node_edac_channel_uncorrectable_errors_total', 'Total uncorrectable memory errors for this channel.'] as const

/** A count file; any failure to read or parse it names the file. */
async function readCount(ctx: CollectContext, path: string): Promise<number> {
  return parseEdacCount(await readRequired(ctx, path), path)
}

/** Sorted entries of a directory below a controller; none when it cannot be listed (Go's Glob). */
async function entries(ctx: CollectContext, dir: string): Promise<string[]> {
  try {
    return (await ctx.fs.readdir(dir)).sort()
  } catch {
    return []
  }
}

/**
 * ECC memory errors per memory controller, csrow and channel from
 * /sys/devices/system/edac/mc, as node_exporter's edac collector reads them: the
 * controller's four counts and each csrow's two are required (one missing or malformed
 * fails the run), ce_noinfo_count/ue_noinfo_count are the csrow="unknown" series, and a
 * channel without chN_ue_count exports its correctable count only.
 */
export const edacCollector: CollectorEntry = {
  name: 'edac',
  defaultEnabled: true,
  help: 'Exposes error detection and correction statistics from /sys/devices/system/edac/mc/.',
  families: [
    { name: 'node_edac_channel_correctable_errors_total', type: 'counter', help: 'Total correctable memory errors for this channel.' },
    { name: 'node_edac_channel_uncorrectable_errors_total', type: 'counter', help: 'Total uncorrectable memory errors for this channel.' },
    { name: 'node_edac_correctable_errors_total', type: 'counter', help: 'Total correctable memory errors.' },
    { name: 'node_edac_csrow_correctable_errors_total', type: 'counter', help: 'Total correctable memory errors for this csrow.' },
    { name: 'node_edac_csrow_uncorrectable_errors_total', type: 'counter', help: 'Total uncorrectable memory errors for this csrow.' },
    { name: 'node_edac_uncorrectable_errors_total', type: 'counter', help: 'Total uncorrectable memory errors.' },
  ],
  create: () => ({
    async collect(ctx) {
      const root = ctx.fs.sys('devices', 'system', 'edac', 'mc')
      const names = await listOrNoData(ctx, root)
      const f = new Families()
      for (const mcName of names) {
        const controller = edacIndex(mcName, 'mc')
        if (controller === undefined) {
          continue
        }
        const mc = `${root}/${mcName}`
        f.counter(...CE, await readCount(ctx, `${mc}/ce_count`), { controller })
        f.counter(...CSROW_CE, await readCount(ctx, `${mc}/ce_noinfo_count`), { controller, csrow: 'unknown' })
        f.counter(...UE, await readCount(ctx, `${mc}/ue_count`), { controller })
        f.counter(...CSROW_UE, await readCount(ctx, `${mc}/ue_noinfo_count`), { controller, csrow: 'unknown' })

        for (const rowName of await entries(ctx, mc)) {
          const csrow = edacIndex(rowName, 'csrow')
          if (csrow === undefined) {
            continue
          }
          if (!/^mc[0-9]*$/.test(mcName)) {
            // Upstream's csrow regexp wants mc<digits>/csrow: mc0x/csrow0 is an error there.
            throw new Error(`csrow path didn't match the expected pattern: ${mc}/${rowName}`)
          }
          const row = `${mc}/${rowName}`
          f.counter(...CSROW_CE, await readCount(ctx, `${row}/ce_count`), { controller, csrow })
          f.counter(...CSROW_UE, await readCount(ctx, `${row}/ue_count`), { controller, csrow })

          for (const file of await entries(ctx, row)) {
            const channel = edacChannel(file)
            if (channel === undefined) {
              continue
            }
            const labels = { controller, csrow, channel, dimm_label: edacDimmLabel(await readOptional(ctx, `${row}/ch${channel}_dimm_label`)) }
            f.counter(...CHANNEL_CE, await readCount(ctx, `${row}/${file}`), labels)
            try {
              f.counter(...CHANNEL_UE, await readCount(ctx, `${row}/ch${channel}_ue_count`), labels)
            } catch (err) {
              // Upstream's one tolerated failure: some drivers expose chN_ce_count only.
              ctx.log.debug("couldn't get ue_count for channel", { controller, csrow, channel, err: (err as Error).message })
            }
          }
        }
      }
      return f.list()
    },
  }),
}
