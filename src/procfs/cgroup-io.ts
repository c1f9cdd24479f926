/**
 * Block IO counters of one cgroup, per device "major:minor": bytes and operations read and
 * written, from v2 `io.stat` or the v1 blkio `io_service_bytes` / `io_serviced` pair.
 */
export interface DeviceIo {
  readBytes: number
  writeBytes: number
  reads: number
  writes: number
}

const DEVICE = /^\d{1,10}:\d{1,10}$/

/**
 * v2 `io.stat`: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0". Kernels with a
 * printing bug put devices without stats on the front of the next device's line
 * ("7:7 7:6 7:5 rbytes=..."): the values belong to the last device number before them,
 * and a line of device numbers alone has no values. Unknown keys and malformed pairs are
 * skipped; a line whose device is not "major:minor" is skipped.
 */
export function parseIoStat(text: string): Map<string, DeviceIo> {
  const out = new Map<string, DeviceIo>()
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/)
    let device: string | undefined
    let io: DeviceIo | undefined
    for (const field of fields) {
      if (DEVICE.test(field)) {
        device = field
        io = undefined
        continue
      }
      const eq = field.indexOf('=')
      if (device === undefined || eq <= 0) continue
      const raw = field.slice(eq + 1)
      if (!/^\d{1,20}$/.test(raw)) continue
      const key = IO_STAT_KEYS[field.slice(0, eq)]
      if (key === undefined) continue
      if (io === undefined) {
        io = out.get(device) ?? { readBytes: 0, writeBytes: 0, reads: 0, writes: 0 }
        out.set(device, io)
      }
      io[key] = Number(raw)
    }
  }
  return out
}

const IO_STAT_KEYS: Readonly<Record<string, keyof DeviceIo>> = {
  rbytes: 'readBytes',
  wbytes: 'writeBytes',
  rios: 'reads',
  wios: 'writes',
}

/**
 * v1 blkio files ("8:0 Read 4096", ..., "Total 123"): per device, the Read and Write
 * operation values; other operations (Sync, Async, Discard, Total) are not needed. An
 * empty result means the file holds no device line, which runc treats as "not this
 * group" (bfq files with only "Total 0" on a host using the throttle files).
 */
export function parseBlkio(text: string): Map<string, { read: number; write: number }> {
  const out = new Map<string, { read: number; write: number }>()
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/)
    if (fields.length !== 3) continue
    const [device, op, raw] = fields as [string, string, string]
    if (!DEVICE.test(device) || !/^\d{1,20}$/.test(raw)) continue
    let entry = out.get(device)
    if (!entry) {
      entry = { read: 0, write: 0 }
      out.set(device, entry)
    }
    if (op === 'Read') entry.read = Number(raw)
    else if (op === 'Write') entry.write = Number(raw)
  }
  return out
}

/**
 * The v1 file pairs in runc's order (fs/blkio.go GetStats): the first group whose
 * io_serviced file has a device line is used for both counts (BFQ, then CFQ, then the
 * throttle files recursive, then plain).
 */
export const BLKIO_GROUPS: readonly { readonly serviced: string; readonly bytes: string }[] = [
  { serviced: 'blkio.bfq.io_serviced_recursive', bytes: 'blkio.bfq.io_service_bytes_recursive' },
  { serviced: 'blkio.io_serviced_recursive', bytes: 'blkio.io_service_bytes_recursive' },
  { serviced: 'blkio.throttle.io_serviced_recursive', bytes: 'blkio.throttle.io_service_bytes_recursive' },
  { serviced: 'blkio.throttle.io_serviced', bytes: 'blkio.throttle.io_service_bytes' },
]

/** Joins a v1 serviced/bytes pair into per-device IO (devices in either file). */
export function joinBlkio(serviced: Map<string, { read: number; write: number }>, bytes: Map<string, { read: number; write: number }>): Map<string, DeviceIo> {
  const out = new Map<string, DeviceIo>()
  for (const device of new Set([...serviced.keys(), ...bytes.keys()])) {
    const ops = serviced.get(device)
    const b = bytes.get(device)
    out.set(device, { readBytes: b?.read ?? 0, writeBytes: b?.write ?? 0, reads: ops?.read ?? 0, writes: ops?.write ?? 0 })
  }
  return out
}
