import { ParseError, lines } from './parse-error.ts'

export interface SoftnetRow {
  readonly cpu: string
  readonly processed: number
  readonly dropped: number
  readonly timeSqueezed: number
  readonly cpuCollision: number
  readonly receivedRps: number
  readonly flowLimitCount: number
  readonly backlogLen: number
}

/**
 * Parses /proc/net/softnet_stat: one row of hex counters per online CPU. Kernels before
 * 4.17 print 9 columns, before 5.10 11; from 5.10 column 13 names the CPU, earlier the
 * row number does.
 */
export function parseSoftnet(text: string): SoftnetRow[] {
  return lines(text).map((row, index) => {
    const cols = row.trim().split(/\s+/)
    if (cols.length < 9) {
      throw new ParseError(`/proc/net/softnet_stat: ${cols.length} columns, at least 9 expected`)
    }
    const hex = (i: number): number => {
      const cell = cols[i]
      if (cell === undefined) {
        return 0
      }
      if (!/^[0-9a-fA-F]{1,8}$/.test(cell)) {
        throw new ParseError(`/proc/net/softnet_stat: invalid hex value ${JSON.stringify(cell.slice(0, 20))}`)
      }
      return Number.parseInt(cell, 16)
    }
    const wide = cols.length >= 13
    return {
      cpu: String(wide ? hex(12) : index),
      processed: hex(0),
      dropped: hex(1),
      timeSqueezed: hex(2),
      cpuCollision: hex(8),
      receivedRps: cols.length >= 11 ? hex(9) : 0,
      flowLimitCount: cols.length >= 11 ? hex(10) : 0,
      backlogLen: wide ? hex(11) : 0,
    }
  })
}
