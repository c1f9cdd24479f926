import { ParseError, lines } from './parse-error.ts'

export type TcpState = 'ESTABLISHED' | 'SYN_SENT' | 'SYN_RECV' | 'FIN_WAIT1' | 'FIN_WAIT2' | 'TIME_WAIT' | 'CLOSE' | 'CLOSE_WAIT' | 'LAST_ACK' | 'LISTEN' | 'CLOSING' | 'UNKNOWN'

const STATES: readonly TcpState[] = [
  'UNKNOWN',
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
]

/** One socket of /proc/net/tcp or /proc/net/tcp6. */
export interface TcpSocket {
  readonly localAddress: string
  readonly localPort: number
  readonly remoteAddress: string
  readonly remotePort: number
  readonly state: TcpState
  readonly uid: number
  /** Socket inode, as in the `socket:[N]` link of /proc/PID/fd/*. Kept as text: it can pass 2^53. */
  readonly inode: string
}

/** The kernel prints each 32-bit word of the address in host order (little-endian here). */
function word(hex: string): number[] {
  const n = Number.parseInt(hex, 16)
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]
}

function address(hex: string): string {
  if (hex.length === 8) {
    return word(hex).join('.')
  }
  if (hex.length !== 32) {
    throw new ParseError(`couldn't parse address ${JSON.stringify(hex)} in /proc/net/tcp`)
  }
  const bytes = [0, 8, 16, 24].flatMap((i) => word(hex.slice(i, i + 8)))
  // IPv4-mapped (::ffff:a.b.c.d) prints as the IPv4 address, as `ss` does.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return bytes.slice(12).join('.')
  }
  const groups: string[] = []
  for (let i = 0; i < 16; i += 2) {
    groups.push((((bytes[i] as number) << 8) | (bytes[i + 1] as number)).toString(16))
  }
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')
}

function endpoint(field: string | undefined, line: string): [string, number] {
  const colon = field?.indexOf(':') ?? -1
  if (!field || colon < 0) {
    throw new ParseError(`couldn't parse /proc/net/tcp line ${JSON.stringify(line.slice(0, 60))}`)
  }
  const hex = field.slice(0, colon)
  const port = Number.parseInt(field.slice(colon + 1), 16)
  if (!/^[0-9A-Fa-f]+$/.test(hex) || !Number.isFinite(port)) {
    throw new ParseError(`couldn't parse endpoint ${JSON.stringify(field)} in /proc/net/tcp`)
  }
  return [address(hex), port]
}

/** Parses /proc/net/tcp or /proc/net/tcp6 (same layout). The header line is skipped. */
export function parseNetTcp(text: string): TcpSocket[] {
  const out: TcpSocket[] = []
  for (const line of lines(text)) {
    const f = line.trim().split(/\s+/)
    if (f[0] === 'sl') {
      continue
    }
    if (f.length < 10) {
      throw new ParseError(`couldn't parse /proc/net/tcp line ${JSON.stringify(line.slice(0, 60))}: expected 10+ fields`)
    }
    const [localAddress, localPort] = endpoint(f[1], line)
    const [remoteAddress, remotePort] = endpoint(f[2], line)
    const st = Number.parseInt(f[3] as string, 16)
    const uid = Number(f[7])
    if (!/^\d+$/.test(f[9] as string) || !Number.isFinite(uid)) {
      throw new ParseError(`couldn't parse uid/inode in /proc/net/tcp line ${JSON.stringify(line.slice(0, 60))}`)
    }
    out.push({ localAddress, localPort, remoteAddress, remotePort, state: STATES[st] ?? 'UNKNOWN', uid, inode: f[9] as string })
  }
  return out
}
