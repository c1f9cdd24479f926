import { parseGoUint } from './go-uint.ts'
import { ParseError } from './parse-error.ts'

/** Sums over the sockets of /proc/net/udp or /proc/net/udp6 (procfs' NetIPSocketSummary). */
export interface UdpQueueSummary {
  /** Sum of the tx_queue column, in bytes. */
  readonly txQueue: number
  /** Sum of the rx_queue column, in bytes. */
  readonly rxQueue: number
  readonly sockets: number
  readonly drops: number
}

const U64 = 64

/**
 * Parses /proc/net/udp or /proc/net/udp6 as procfs' newNetIPSocketSummary: the first line
 * is the header, whatever it says; every later line is a socket and must parse (sl, both
 * endpoints as hex address:port with 4- or 16-byte addresses, st, tx_queue:rx_queue in hex,
 * uid, inode, drops), blank lines included. The queue sums wrap at 2^64 as Go's uint64.
 * procfs indexes the drops column of a 10- to 12-column line out of range (a panic in
 * node_exporter); that line is a ParseError here.
 */
export function parseUdpQueues(text: string, file: string): UdpQueueSummary {
  // bufio.ScanLines: split at \n, drop one trailing \r, no token after a final newline.
  const rows = text.split('\n')
  if (rows[rows.length - 1] === '') {
    rows.pop()
  }
  let tx = 0n
  let rx = 0n
  let drops = 0n
  let sockets = 0
  for (let i = 1; i < rows.length; i++) {
    const row = (rows[i] as string).replace(/\r$/, '')
    const where = `${file} line ${i + 1}`
    const columns = row.trim() === '' ? [] : row.trim().split(/\s+/)
    if (columns.length < 13) {
      throw new ParseError(`${where}: ${columns.length} columns found, expected at least 13 ${JSON.stringify(row.slice(0, 60))}`)
    }
    const [sl, local, remote, st, queues, , , uid, , inode, , , drop] = columns as [
      string, string, string, string, string, string, string, string, string, string, string, string, string,
    ]
    const slot = sl.split(':')
    if (slot.length !== 2) {
      throw new ParseError(`${where}: invalid sl ${JSON.stringify(sl.slice(0, 40))}`)
    }
    parseGoUint(slot[0] as string, 0, U64, `${where} sl`)
    endpoint(local, `${where} local_address`)
    endpoint(remote, `${where} rem_address`)
    parseGoUint(st, 16, U64, `${where} st`)
    const q = queues.split(':')
    if (q.length !== 2) {
      throw new ParseError(`${where}: tx_queue:rx_queue ${JSON.stringify(queues.slice(0, 40))} lacks one colon`)
    }
    tx += parseGoUint(q[0] as string, 16, U64, `${where} tx_queue`)
    rx += parseGoUint(q[1] as string, 16, U64, `${where} rx_queue`)
    parseGoUint(uid, 0, U64, `${where} uid`)
    parseGoUint(inode, 0, U64, `${where} inode`)
    drops += parseGoUint(drop, 0, U64, `${where} drops`)
    sockets++
  }
  const u64 = (n: bigint) => Number(BigInt.asUintN(U64, n))
  return { txQueue: u64(tx), rxQueue: u64(rx), sockets, drops: u64(drops) }
}

/** "0100007F:0035": hex.DecodeString of the address must give 4 or 16 bytes; the port is hex. */
function endpoint(field: string, what: string): void {
  const parts = field.split(':')
  const address = parts[0] as string
  if (parts.length !== 2 || !/^[0-9a-fA-F]*$/.test(address) || (address.length !== 8 && address.length !== 32)) {
    throw new ParseError(`invalid ${what} ${JSON.stringify(field.slice(0, 60))}`)
  }
  parseGoUint(parts[1] as string, 16, U64, what)
}
