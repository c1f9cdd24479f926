import { Families } from '../metrics/families.ts'
import { parseFileNr } from '../procfs/filefd.ts'
import { readOrNoData } from './read.ts'
import type { CollectorEntry } from './types.ts'

export const filefdCollector: CollectorEntry = {
  name: 'filefd',
  defaultEnabled: true,
  help: 'Exposes file descriptor statistics from /proc/sys/fs/file-nr.',
  families: [
    { name: 'node_filefd_allocated', type: 'gauge', help: 'File descriptor statistics: allocated.' },
    { name: 'node_filefd_maximum', type: 'gauge', help: 'File descriptor statistics: maximum.' },
  ],
  create: () => ({
    async collect(ctx) {
      const nr = parseFileNr(await readOrNoData(ctx, ctx.fs.proc('sys', 'fs', 'file-nr')))
      const f = new Families()
      f.gauge('node_filefd_allocated', 'File descriptor statistics: allocated.', nr.allocated)
      f.gauge('node_filefd_maximum', 'File descriptor statistics: maximum.', nr.maximum)
      return f.list()
    },
  }),
}
