import { Families } from '../metrics/families.ts'
import { DMI_LABELS, dmiValue } from '../procfs/dmi.ts'
import { listOrNoData, readUnless } from './read.ts'
import type { CollectorEntry } from './types.ts'
import { NoDataError } from './types.ts'

const HELP =
  "A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, bios_version, " +
  'board_asset_tag, board_name, board_serial, board_vendor, board_version, chassis_asset_tag, ' +
  'chassis_serial, chassis_vendor, chassis_version, product_family, product_name, product_serial, ' +
  'product_sku, product_uuid, product_version, system_vendor if provided by DMI.'

/**
 * Why an attribute is not there to read: root-only (EACCES, EPERM, which procfs skips), a
 * directory (procfs reads regular files only) or gone since the listing. Any other failure
 * fails the run, as it fails procfs.
 */
const SKIPPED_READ_ERRORS: ReadonlySet<string> = new Set(['EACCES', 'EPERM', 'EISDIR', 'ENOENT', 'ENOTDIR'])

/**
 * node_dmi_info from /sys/class/dmi/id. A label is present when its file is listed and
 * readable, with the value trimmed and kept even when empty. node_exporter reads these
 * files once at start-up; here they are read every run (about twenty small sysfs files),
 * which needs no cache keyed by sysfs root and gives the same answer, since DMI data does
 * not change while the host runs.
 */
export const dmiCollector: CollectorEntry = {
  name: 'dmi',
  defaultEnabled: true,
  help: 'Expose Desktop Management Interface (DMI) info from /sys/class/dmi/id/.',
  families: [
    {
      name: 'node_dmi_info',
      type: 'gauge',
      help: "A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, bios_version, board_asset_tag, board_name, board_serial, board_vendor, board_version, chassis_asset_tag, chassis_serial, chassis_vendor, chassis_version, product_family, product_name, product_serial, product_sku, product_uuid, product_version, system_vendor if provided by DMI.",
    },
  ],
  create: () => ({
    async collect(ctx) {
      const dir = ctx.fs.sys('class', 'dmi', 'id')
      const listed = new Set(await listOrNoData(ctx, dir))
      const labels: Record<string, string> = {}
      for (const [label, file] of DMI_LABELS) {
        if (!listed.has(file)) {
          continue
        }
        const text = await readUnless(ctx, `${dir}/${file}`, SKIPPED_READ_ERRORS)
        if (text !== undefined) {
          labels[label] = dmiValue(text)
        }
      }
      if (Object.keys(labels).length === 0) {
        throw new NoDataError(`${dir} holds no readable DMI attributes`)
      }
      const f = new Families()
      f.gauge('node_dmi_info', HELP, 1, labels)
      return f.list()
    },
  }),
}
