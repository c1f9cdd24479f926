import { ParseError } from './parse-error.ts'

/** Sums over the sockets of /proc/net/udp or /proc/net/udp6 (procfs' NetIPSocketSummary). */
export interface UdpQueueSummary {
  /** Sum of the tx_queue column, in bytes. */
  readonly txQueue: number
  /** Sum of the rx_queue column, in bytes. */
  readonly rxQueue: number
  readonly sockets: number
}

/** The fifth column, "tx_queue:rx_queue", each the kernel's %08X of an int. */
const QUEUES = /^([0-9A-Fa-f]*):([0-9A-Fa-f]*)$/
/** A socket line: its fifth column, and at least eight more after it (one native match a line). */
const SOCKET = /^\s*(?:\S+\s+){4}(\S+)(?:\s+\S+){8}/
const FIELDS = /\s+/

/**
 * Parses /proc/net/udp or /proc/net/udp6 as procfs' newNetIPSocketSummary does for what
 * node_exporter exports: the first line is the header, whatever it says; every later line
 * (a blank one included) is a socket with at least 13 columns, whose tx_queue:rx_queue
 * must be two hex numbers. The other columns are not decoded: procfs validates addresses,
 * uid, inode and drops too, which costs several times the rest of the parse in the
 * interpreter (docs/performance.md) for values nothing here uses. procfs panics on a line of 10
 * to 12 columns; that is a ParseError here.
 */
export function parseUdpQueues(text: string, file: string): UdpQueueSummary {
  // bufio.ScanLines: split at \n, drop one trailing \r, no token after a final newline.
  const rows = text.split('\n')
  if (rows[rows.length - 1] === '') {
    rows.pop()
  }
  let tx = 0
  let rx = 0
  for (let i = 1; i < rows.length; i++) {
    const row = rows[i] as string
    const socket = SOCKET.exec(row)
    if (!socket) {
      const columns = row.trim() === '' ? 0 : row.trim().split(FIELDS).length
      throw new ParseError(`${file} line ${i + 1}: ${columns} columns found, expected at least 13 ${JSON.stringify(row.slice(0, 60))}`)
    }
    const queues = socket[1] as string
    const m = QUEUES.exec(queues)
    if (!m) {
      throw new ParseError(`${file} line ${i + 1}: tx_queue:rx_queue ${JSON.stringify(queues.slice(0, 40))} is not two hex numbers`)
    }
    tx += hexQueue(m[1] as string, file, i + 1, 'tx_queue')
    rx += hexQueue(m[2] as string, file, i + 1, 'rx_queue')
  }
  return { txQueue: tx, rxQueue: rx, sockets: Math.max(0, rows.length - 1) }
}

function hexQueue(hex: string, file: string, line: number, column: string): number {
  if (hex === '' || hex.length > 16) {
    throw new ParseError(`${file} line ${line}: ${column} ${JSON.stringify(hex)} is not a 64-bit hex number`)
  }
  return Number.parseInt(hex, 16)
}
