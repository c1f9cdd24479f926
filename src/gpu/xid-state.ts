/** Xid counts of one GPU (PCI key) and Xid code. */
export interface XidCount {
  readonly pci: string
  readonly xid: number
  count: number
  /** Seconds since the epoch of the latest occurrence. */
  lastTimestamp: number
}

/**
 * What survives an agent restart: which kernel log records were already counted (the
 * sequence number is per boot, hence the boot id) and the counts themselves, so counters
 * continue instead of re-counting the ring buffer or resetting.
 */
export interface XidState {
  readonly bootId: string
  lastSeq: number
  readonly counts: Map<string, XidCount>
  /** PCI key -> UUID learnt from "NVRM: GPU at PCI:...: GPU-..." lines. */
  readonly uuids: Map<string, string>
}

const VERSION = 1

export function emptyXidState(bootId: string): XidState {
  return { bootId, lastSeq: -1, counts: new Map(), uuids: new Map() }
}

export function xidKey(pci: string, xid: number): string {
  return `${pci}|${xid}`
}

export function serializeXidState(s: XidState): string {
  return `${JSON.stringify({
    version: VERSION,
    bootId: s.bootId,
    lastSeq: s.lastSeq,
    counts: [...s.counts.values()],
    uuids: Object.fromEntries(s.uuids),
  })}\n`
}

/**
 * Reads a saved state. A file from another boot, another version, or one that does not
 * parse gives a fresh state for this boot (the ring buffer is then counted from its start).
 */
export function parseXidState(text: string, bootId: string): XidState {
  const fresh = emptyXidState(bootId)
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return fresh
  }
  if (!isRecord(raw) || raw.version !== VERSION || raw.bootId !== bootId || typeof raw.lastSeq !== 'number' || !Array.isArray(raw.counts)) {
    return fresh
  }
  const state = emptyXidState(bootId)
  state.lastSeq = raw.lastSeq
  for (const c of raw.counts) {
    if (isRecord(c) && typeof c.pci === 'string' && typeof c.xid === 'number' && typeof c.count === 'number' && typeof c.lastTimestamp === 'number') {
      state.counts.set(xidKey(c.pci, c.xid), { pci: c.pci, xid: c.xid, count: c.count, lastTimestamp: c.lastTimestamp })
    }
  }
  if (isRecord(raw.uuids)) {
    for (const [pci, uuid] of Object.entries(raw.uuids)) {
      if (typeof uuid === 'string') {
        state.uuids.set(pci, uuid)
      }
    }
  }
  return state
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
}
