import { pciKey } from './pci.ts'

/** One /dev/kmsg record: "<prio>,<seq>,<usec since boot>,<flags>[,...];<message>". */
export interface KmsgRecord {
  readonly seq: number
  /** Microseconds since boot (CLOCK_MONOTONIC). */
  readonly timestampUs: number
  readonly message: string
}

/**
 * Parses one kmsg record line. Continuation lines (" KEY=value", which start with a space)
 * and anything without the header are not records: undefined.
 */
export function parseKmsgRecord(line: string): KmsgRecord | undefined {
  const semi = line.indexOf(';')
  if (semi < 0 || line.startsWith(' ')) {
    return undefined
  }
  const head = line.slice(0, semi).split(',')
  if (head.length < 3 || !/^\d+$/.test(head[1] ?? '') || !/^\d+$/.test(head[2] ?? '')) {
    return undefined
  }
  return { seq: Number(head[1]), timestampUs: Number(head[2]), message: line.slice(semi + 1).replace(/\r$/, '') }
}

export interface XidEvent {
  /** `dddd:bb:dd` (see pci.ts). */
  readonly pci: string
  readonly xid: number
}

/**
 * An NVIDIA Xid report: "NVRM: Xid (PCI:0000:3b:00): 79, pid=..., GPU has fallen off the
 * bus." Older drivers omit "PCI:"; MIG-era drivers append " GPU-I:05" inside the brackets.
 */
export function parseXidMessage(message: string): XidEvent | undefined {
  const m = /^NVRM: Xid \(([^)]*)\): (\d{1,5})(?:,|\s|$)/.exec(message)
  if (!m) {
    return undefined
  }
  const pci = pciKey((m[1] as string).trim().split(/\s+/)[0] ?? '')
  return pci === undefined ? undefined : { pci, xid: Number(m[2]) }
}

/**
 * The driver names a GPU before its first Xid: "NVRM: GPU at PCI:0000:3b:00: GPU-5bd1...".
 * Returns the PCI key and UUID.
 */
export function parseGpuAtMessage(message: string): { pci: string; uuid: string } | undefined {
  const m = /^NVRM: GPU at (?:PCI:)?([0-9a-fA-F:.]+): (GPU-[0-9a-fA-F-]+)\s*$/.exec(message)
  const pci = m ? pciKey(m[1] as string) : undefined
  return m && pci ? { pci, uuid: m[2] as string } : undefined
}
