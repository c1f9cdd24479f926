import { Families } from '../metrics/families.ts'
import { parseDecimal, sysValue } from '../procfs/sysfs-value.ts'
import { readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'

export const entropyCollector: CollectorEntry = {
  name: 'entropy',
  defaultEnabled: true,
  help: 'Exposes available entropy from /proc/sys/kernel/random.',
  families: [
    { name: 'node_entropy_available_bits', type: 'gauge', help: 'Bits of available entropy.' },
    { name: 'node_entropy_pool_size_bits', type: 'gauge', help: 'Bits of entropy pool.' },
  ],
  create: () => ({
    async collect(ctx) {
      const read = async (file: string) => {
        const path = ctx.fs.proc('sys', 'kernel', 'random', file)
        return parseDecimal(sysValue(await readOrNoData(ctx, path)), path)
      }
      const f = new Families()
      f.gauge('node_entropy_available_bits', 'Bits of available entropy.', await read('entropy_avail'))
      f.gauge('node_entropy_pool_size_bits', 'Bits of entropy pool.', await read('poolsize'))
      return f.list()
    },
  }),
}
