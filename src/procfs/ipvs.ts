import { goDecimalUint, parseGoUint } from './go-uint.ts'
import { ParseError } from './parse-error.ts'

/** The totals line of /proc/net/ip_vs_stats (the kernel prints them in hex). */
export interface IpvsStats {
  readonly connections: bigint
  readonly incomingPackets: bigint
  readonly outgoingPackets: bigint
  readonly incomingBytes: bigint
  readonly outgoingBytes: bigint
}

/** One real server ("-> ..." line) of /proc/net/ip_vs with its virtual service. */
export interface IpvsBackend {
  /** The virtual address as Go's net.IP prints it; '' for firewall-mark services. */
  readonly localAddress: string
  /** 0 for firewall-mark services. */
  readonly localPort: number
  /** The firewall mark as the kernel prints it (hex); '' for address services. */
  readonly localMark: string
  /** TCP, UDP, SCTP or FWM; '' for a real server listed before any service. */
  readonly proto: string
  readonly remoteAddress: string
  readonly remotePort: number
  readonly weight: bigint
  readonly activeConn: bigint
  readonly inactConn: bigint
}

/**
 * Parses /proc/net/ip_vs_stats. As procfs: the third line holds exactly five hex
 * counters (total connections, incoming/outgoing packets, incoming/outgoing bytes), and
 * a file with fewer than three line breaks is corrupt.
 */
export function parseIpvsStats(text: string, file: string): IpvsStats {
  const rows = text.split('\n')
  if (rows.length < 4) {
    throw new ParseError(`${file}: too short (${rows.length - 1} of at least 3 lines)`)
  }
  const fields = words(rows[2] as string)
  if (fields.length !== 5) {
    throw new ParseError(`${file} line 3: expected 5 fields, got ${fields.length}`)
  }
  const [connections, incomingPackets, outgoingPackets, incomingBytes, outgoingBytes] = fields.map((f) => parseGoUint(f, 16, 64, `${file} line 3`)) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ]
  return { connections, incomingPackets, outgoingPackets, incomingBytes, outgoingBytes }
}

/** Service protocols the kernel prints before an address (ip_vs_proto_name). */
const ADDRESS_SERVICES = new Set(['TCP', 'UDP', 'SCTP'])

/**
 * Parses /proc/net/ip_vs: service lines ("TCP  C0A80016:0CEA wlc", "FWM  00000010 wlc")
 * each followed by their real servers ("-> C0A85216:0CEA Tunnel 100 248 2": address,
 * forwarding method, weight, active and inactive connections). Headers, blank lines,
 * short lines and unknown service kinds are skipped, as procfs does; an address or
 * number that does not parse is a ParseError naming the line.
 */
export function parseIpvsBackends(text: string, file: string): IpvsBackend[] {
  const out: IpvsBackend[] = []
  let service = { proto: '', localAddress: '', localPort: 0, localMark: '' }
  text.split('\n').forEach((row, i) => {
    const f = words(row)
    if (f.length < 2 || f[0] === 'IP' || f[0] === 'Prot' || f[1] === 'RemoteAddress:Port') {
      return
    }
    const where = () => `${file} line ${i + 1}`
    const [kind, target] = f as [string, string]
    if (ADDRESS_SERVICES.has(kind)) {
      const [localAddress, localPort] = endpoint(target, where)
      service = { proto: kind, localAddress, localPort, localMark: '' }
    } else if (kind === 'FWM') {
      service = { proto: kind, localAddress: '', localPort: 0, localMark: target }
    } else if (kind === '->' && f.length >= 6) {
      const [remoteAddress, remotePort] = endpoint(target, where)
      out.push({
        ...service,
        remoteAddress,
        remotePort,
        weight: parseUint64(f[3] as string, where, 'weight'),
        activeConn: parseUint64(f[4] as string, where, 'ActiveConn'),
        inactConn: parseUint64(f[5] as string, where, 'InActConn'),
      })
    }
  })
  return out
}

/**
 * Decoded address:port fields, kept across ticks: a cluster's service and backend addresses
 * repeat tick after tick, and decoding and printing them was most of a line's cost
 * (docs/performance.md). Cleared when it grows past ENDPOINT_MEMO entries.
 */
const endpointMemo = new Map<string, readonly [string, number]>()
const ENDPOINT_MEMO = 16384

function endpoint(field: string, where: () => string): readonly [string, number] {
  let known = endpointMemo.get(field)
  if (known === undefined) {
    known = parseEndpoint(field, where())
    if (endpointMemo.size >= ENDPOINT_MEMO) {
      endpointMemo.clear()
    }
    endpointMemo.set(field, known)
  }
  return known
}

/** Go's strings.Fields for the ASCII whitespace these files use (CR included). */
function words(row: string): string[] {
  return row.split(/\s+/).filter((w) => w.length > 0)
}

/** strconv.ParseUint(s, 10, 64), kept exact: backends are summed as uint64. */
function parseUint64(text: string, where: () => string, column: string): bigint {
  if (typeof goDecimalUint(text) !== 'number') {
    throw new ParseError(`invalid unsigned integer in ${where()} ${column}: ${JSON.stringify(text.slice(0, 40))}`)
  }
  return BigInt(text)
}

const HEX4 = /^[0-9a-fA-F]{4}$/

/**
 * An "address:port" field. The kernel prints IPv4 as 8 hex digits in network order
 * ("C0A80016:0CEA") and IPv6 in brackets ("[2620:0000:...:0001]:0050"); the 32-hex-digit
 * IPv6 form older procfs accepted is accepted too. The port is 4 hex digits.
 */
export function parseEndpoint(field: string, where: string): [address: string, port: number] {
  let bytes: number[] | undefined
  let port = ''
  if (field.length === 13 && field[8] === ':') {
    bytes = hexBytes(field.slice(0, 8))
    port = field.slice(9)
  } else if (field.length === 37 && field[32] === ':') {
    bytes = hexBytes(field.slice(0, 32))
    port = field.slice(33)
  } else if (field.length === 46 && field[0] === '[' && field.slice(40, 42) === ']:') {
    bytes = parseIpv6(field.slice(1, 40))
    port = field.slice(42)
  }
  if (bytes === undefined || !HEX4.test(port)) {
    throw new ParseError(`${where}: invalid address:port ${JSON.stringify(field.slice(0, 60))}`)
  }
  return [formatIp(bytes), Number.parseInt(port, 16)]
}

function hexBytes(hex: string): number[] | undefined {
  if (!/^[0-9a-fA-F]+$/.test(hex)) {
    return undefined
  }
  const bytes: number[] = []
  for (let i = 0; i < hex.length; i += 2) {
    bytes.push(Number.parseInt(hex.slice(i, i + 2), 16))
  }
  return bytes
}

/** IPv6 text (full or "::"-compressed hex groups) to 16 bytes; undefined when invalid. */
export function parseIpv6(text: string): number[] | undefined {
  const halves = text.split('::')
  if (halves.length > 2) {
    return undefined
  }
  const groups = halves.map((h) => (h === '' ? [] : h.split(':')))
  const all = groups.flat()
  if (!all.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) {
    return undefined
  }
  if (halves.length === 1 ? all.length !== 8 : all.length > 7) {
    return undefined
  }
  const head = groups[0] as string[]
  const tail = groups[1] ?? []
  const values = [...head, ...Array<string>(8 - all.length).fill('0'), ...tail].map((g) => Number.parseInt(g, 16))
  return values.flatMap((v) => [v >> 8, v & 0xff])
}

/**
 * Go's net.IP String(): dotted quad for IPv4 and IPv4-mapped IPv6; otherwise lowercase
 * groups without leading zeros, the first longest run of two or more zero groups as "::".
 */
export function formatIp(bytes: readonly number[]): string {
  if (bytes.length === 4) {
    return bytes.join('.')
  }
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return bytes.slice(12).join('.')
  }
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) {
    groups.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number))
  }
  let start = -1
  let end = -1
  for (let i = 0; i < 8; i++) {
    let j = i
    while (j < 8 && groups[j] === 0) {
      j++
    }
    if (j - i > end - start) {
      start = i
      end = j
    }
    i = Math.max(i, j)
  }
  const hex = (g: number[]) => g.map((v) => v.toString(16)).join(':')
  return end - start >= 2 ? `${hex(groups.slice(0, start))}::${hex(groups.slice(end))}` : hex(groups)
}
