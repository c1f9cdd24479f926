import { Families } from '../metrics/families.ts'
import type { MetricFamily } from '../metrics/types.ts'
import { isNotFound } from '../platform/host-fs.ts'
import { osMajorMinor, parseOsRelease } from '../procfs/os-release.ts'
import type { CollectContext, CollectorEntry } from './types.ts'
import { NoDataError } from './types.ts'

/** node_os_info labels and the os-release keys they come from. */
const INFO_LABELS = {
  build_id: 'BUILD_ID',
  id: 'ID',
  id_like: 'ID_LIKE',
  image_id: 'IMAGE_ID',
  image_version: 'IMAGE_VERSION',
  name: 'NAME',
  pretty_name: 'PRETTY_NAME',
  variant: 'VARIANT',
  variant_id: 'VARIANT_ID',
  version: 'VERSION',
  version_codename: 'VERSION_CODENAME',
  version_id: 'VERSION_ID',
} as const

const FILES = ['etc/os-release', 'usr/lib/os-release']

async function readOsRelease(ctx: CollectContext): Promise<string> {
  for (const file of FILES) {
    try {
      return await ctx.fs.readFile(ctx.fs.root(file))
    } catch (err) {
      if (!isNotFound(err)) {
        throw new Error(`couldn't read ${ctx.fs.root(file)}: ${(err as Error).message}`, { cause: err })
      }
    }
  }
  throw new NoDataError(`no os-release file under ${ctx.fs.rootfs} (${FILES.join(', ')})`)
}

function osFamilies(text: string): MetricFamily[] {
  const env = parseOsRelease(text)
  const get = (key: string) => env.get(key) ?? ''
  const f = new Families()
  const info = Object.fromEntries(Object.entries(INFO_LABELS).map(([label, key]) => [label, get(key)]))
  f.gauge('node_os_info', `A metric with a constant '1' value labeled by ${Object.keys(INFO_LABELS).join(', ')}.`, 1, info)
  const version = osMajorMinor(get('VERSION_ID'))
  if (version > 0) {
    f.gauge('node_os_version', 'Metric containing the major.minor part of the OS version.', version, { id: get('ID'), id_like: get('ID_LIKE'), name: get('NAME') })
  }
  const end = /^(\d{4})-(\d{2})-(\d{2})$/.exec(get('SUPPORT_END'))
  if (end) {
    f.gauge(
      'node_os_support_end_timestamp_seconds',
      'Metric containing the end-of-life date timestamp of the OS.',
      Date.UTC(Number(end[1]), Number(end[2]) - 1, Number(end[3])) / 1000,
    )
  }
  return f.list()
}

/** node_exporter's os collector: <rootfs>/etc/os-release, else <rootfs>/usr/lib/os-release. */
export const osCollector: CollectorEntry = {
  name: 'os',
  defaultEnabled: true,
  help: 'Expose OS release info.',
  families: [
    {
      name: 'node_os_info',
      type: 'gauge',
      help: "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.",
    },
    { name: 'node_os_support_end_timestamp_seconds', type: 'gauge', help: 'Metric containing the end-of-life date timestamp of the OS.' },
    { name: 'node_os_version', type: 'gauge', help: 'Metric containing the major.minor part of the OS version.' },
  ],
  create: () => {
    // The file is read every run (an upgrade shows at once) but parsed only when it changed:
    // the families are immutable, so the same ones serve every snapshot until then.
    let last: { text: string; families: MetricFamily[] } | undefined
    return {
      async collect(ctx) {
        const text = await readOsRelease(ctx)
        if (last?.text === text) {
          return last.families
        }
        const families = osFamilies(text)
        last = { text, families }
        return families
      },
    }
  },
}
