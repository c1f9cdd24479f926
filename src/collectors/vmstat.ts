import { Families } from '../metrics/families.ts'
import { parseVmstat } from '../procfs/vmstat.ts'
import { compileFlagRegex } from './flag-regex.ts'
import { readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'
import { regexpFlag } from './device-filter.ts'

export const VMSTAT_FIELDS_DEFAULT = '^(oom_kill|pgpg|pswp|pg.*fault).*'

export const vmstatCollector: CollectorEntry = {
  name: 'vmstat',
  defaultEnabled: true,
  help: 'Exposes statistics from /proc/vmstat.',
  families: [{ name: 'node_vmstat_*', type: 'untyped', help: '/proc/vmstat information field *.' }],
  flags: [{ name: 'collector.vmstat.fields', kind: 'string', check: regexpFlag, default: VMSTAT_FIELDS_DEFAULT, help: 'Regexp of fields to return for vmstat collector.' }],
  create({ config }) {
    const pattern = compileFlagRegex(config, 'collector.vmstat.fields')
    return {
      async collect(ctx) {
        const f = new Families()
        for (const [name, value] of parseVmstat(await readOrNoData(ctx, ctx.fs.proc('vmstat')))) {
          if (pattern.test(name) && /^[a-zA-Z0-9_]+$/.test(name)) {
            f.add(`node_vmstat_${name}`, 'untyped', `/proc/vmstat information field ${name}.`, {}, value)
          }
        }
        return f.list()
      },
    }
  },
}
