import { Families } from '../metrics/families.ts'
import { parseSockstat } from '../procfs/sockstat.ts'
import { pageSize } from './page-size.ts'
import { readOptional } from './read.ts'
import type { CollectorEntry } from './types.ts'
import { NoDataError } from './types.ts'

/**
 * /proc/net/sockstat and /proc/net/sockstat6. Each protocol field becomes
 * node_sockstat_<PROTO>_<field>; "mem" (pages) is also exported as mem_bytes.
 */
export const sockstatCollector: CollectorEntry = {
  name: 'sockstat',
  defaultEnabled: true,
  help: 'Exposes socket statistics from /proc/net/sockstat and /proc/net/sockstat6.',
  families: [
    { name: 'node_sockstat_*_*', type: 'gauge', help: 'Number of * sockets in state *.' },
    { name: 'node_sockstat_sockets_used', type: 'gauge', help: 'Number of IPv4 sockets in use.' },
  ],
  create: () => {
    let page: number | undefined
    return {
      async collect(ctx) {
        const files = ['sockstat', 'sockstat6'].map((name) => ctx.fs.net(name))
        const texts = await Promise.all(files.map((path) => readOptional(ctx, path)))
        if (texts.every((t) => t === undefined)) {
          throw new NoDataError(`${files.join(' and ')} not found`)
        }
        page ??= await pageSize(ctx)
        const bytesPerPage = page
        const f = new Families()
        texts.forEach((text, i) => {
          if (text === undefined) {
            return
          }
          const stat = parseSockstat(text, files[i] as string)
          if (stat.used !== undefined) {
            f.gauge('node_sockstat_sockets_used', 'Number of IPv4 sockets in use.', stat.used)
          }
          for (const { protocol, fields } of stat.protocols) {
            if (!/^[a-zA-Z0-9_]+$/.test(protocol)) {
              continue
            }
            for (const [field, value] of fields) {
              f.gauge(`node_sockstat_${protocol}_${field}`, `Number of ${protocol} sockets in state ${field}.`, value)
            }
            const mem = fields.get('mem')
            if (mem !== undefined) {
              f.gauge(`node_sockstat_${protocol}_mem_bytes`, `Number of ${protocol} sockets in state mem_bytes.`, mem * bytesPerPage)
            }
          }
        })
        return f.list()
      },
    }
  },
}
