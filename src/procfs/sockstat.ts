import { ParseError, lines } from './parse-error.ts'
import { parseDecimal } from './sysfs-value.ts'

export interface SockstatProtocol {
  readonly protocol: string
  /** Known fields in file order; `inuse` is always present (0 when the kernel omits it). */
  readonly fields: ReadonlyMap<string, number>
}

export interface Sockstat {
  /** "sockets: used N" (IPv4 file only). */
  readonly used?: number
  readonly protocols: readonly SockstatProtocol[]
}

/** The per-protocol fields node_exporter exports; others are ignored. */
export const SOCKSTAT_FIELDS = ['inuse', 'orphan', 'tw', 'alloc', 'mem', 'memory'] as const

/** Parses /proc/net/sockstat and /proc/net/sockstat6 ("TCP: inuse 4 orphan 0 tw 4 alloc 17 mem 1"). */
export function parseSockstat(text: string, file: string): Sockstat {
  let used: number | undefined
  const protocols: SockstatProtocol[] = []
  for (const row of lines(text)) {
    const tokens = row.trim().split(/\s+/)
    const label = tokens[0] as string
    if (!label.endsWith(':') || tokens.length % 2 === 0) {
      throw new ParseError(`${file}: malformed line ${JSON.stringify(row.slice(0, 60))}`)
    }
    const kv = new Map<string, number>()
    for (let i = 1; i < tokens.length; i += 2) {
      kv.set(tokens[i] as string, parseDecimal(tokens[i + 1] as string, `${file} ${label} ${tokens[i]}`))
    }
    if (label === 'sockets:') {
      used = kv.get('used')
      continue
    }
    const fields = new Map<string, number>([['inuse', kv.get('inuse') ?? 0]])
    for (const name of SOCKSTAT_FIELDS) {
      const v = kv.get(name)
      if (v !== undefined) {
        fields.set(name, v)
      }
    }
    protocols.push({ protocol: label.slice(0, -1), fields })
  }
  return used === undefined ? { protocols } : { used, protocols }
}
