import { ParseError } from './parse-error.ts'

/** What adjtimex(2) with modes 0 reports: the kernel clock's discipline (struct timex). */
export interface TimexReading {
  /** The call's return value: the clock state, TIME_OK (0) ... TIME_ERROR (5). */
  readonly state: number
  readonly offset: number
  readonly freq: number
  readonly maxerror: number
  readonly esterror: number
  readonly status: number
  readonly constant: number
  readonly precision: number
  readonly tolerance: number
  readonly tick: number
  readonly ppsfreq: number
  readonly jitter: number
  readonly shift: number
  readonly stabil: number
  readonly jitcnt: number
  readonly calcnt: number
  readonly errcnt: number
  readonly stbcnt: number
  readonly tai: number
}

/** sizeof(struct timex) on 64-bit Linux (x86_64, arm64): 19 fields, then 44 bytes of padding. */
export const TIMEX_SIZE = 208

/**
 * Byte offsets in the 64-bit struct timex (include/uapi/linux/timex.h): `long` fields are
 * 8 bytes, `int` fields 4 and followed by 4 bytes of alignment; `time` is a struct timeval
 * at 72 (not exported).
 */
const LONGS = {
  offset: 8,
  freq: 16,
  maxerror: 24,
  esterror: 32,
  constant: 48,
  precision: 56,
  tolerance: 64,
  tick: 88,
  ppsfreq: 96,
  jitter: 104,
  stabil: 120,
  jitcnt: 128,
  calcnt: 136,
  errcnt: 144,
  stbcnt: 152,
} as const
const INTS = { status: 40, shift: 112, tai: 160 } as const

/** Decodes the struct adjtimex filled in; `state` is its return value. */
export function decodeTimex(bytes: Uint8Array, state: number): TimexReading {
  if (bytes.byteLength < TIMEX_SIZE) {
    throw new ParseError(`struct timex: ${bytes.byteLength} bytes, want ${TIMEX_SIZE}`)
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const out: Record<string, number> = { state }
  for (const [name, at] of Object.entries(LONGS)) {
    out[name] = Number(view.getBigInt64(at, true))
  }
  for (const [name, at] of Object.entries(INTS)) {
    out[name] = view.getInt32(at, true)
  }
  return out as unknown as TimexReading
}
