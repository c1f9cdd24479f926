import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { TIMEX_SIZE, decodeTimex } from './timex.ts'

/** A struct timex as the kernel fills it on 64-bit little-endian Linux. */
function struct(fields: { longs?: Record<number, bigint>; ints?: Record<number, number> }, size = TIMEX_SIZE): Uint8Array {
  const bytes = new Uint8Array(size)
  const view = new DataView(bytes.buffer)
  for (const [at, v] of Object.entries(fields.longs ?? {})) view.setBigInt64(Number(at), v, true)
  for (const [at, v] of Object.entries(fields.ints ?? {})) view.setInt32(Number(at), v, true)
  return bytes
}

describe('decodeTimex', () => {
  it.each([
    {
      name: 'an unsynchronised VM clock (the values adjtimex gave on this project CI host)',
      bytes: struct({ longs: { 24: 16_000_000n, 32: 16_000_000n, 48: 2n, 56: 1n, 64: 32_768_000n, 88: 10_000n }, ints: { 40: 0x2040 } }),
      state: 5,
      want: { state: 5, maxerror: 16_000_000, esterror: 16_000_000, status: 0x2040, constant: 2, precision: 1, tolerance: 32_768_000, tick: 10_000, offset: 0, tai: 0 },
    },
    {
      name: 'an NTP-disciplined clock: negative offset and freq, TAI offset, PPS counters',
      bytes: struct({ longs: { 8: -1_234_567n, 16: -2_621_440n, 96: 65536n, 104: 250n, 120: 131072n, 128: 3n, 136: 4n, 144: 5n, 152: 6n }, ints: { 40: 0x2001, 112: 8, 160: 37 } }),
      state: 0,
      want: { offset: -1_234_567, freq: -2_621_440, ppsfreq: 65536, jitter: 250, stabil: 131072, jitcnt: 3, calcnt: 4, errcnt: 5, stbcnt: 6, shift: 8, tai: 37, status: 0x2001 },
    },
    {
      name: 'a long past 2^53 loses precision, never throws',
      bytes: struct({ longs: { 24: 2n ** 62n } }),
      state: 0,
      want: { maxerror: 2 ** 62 },
    },
    {
      name: 'a buffer larger than the struct (a view into a bigger allocation)',
      bytes: struct({ longs: { 88: 4_000n } }, 256),
      state: 1,
      want: { tick: 4_000, state: 1 },
    },
  ])('$name', ({ bytes, state, want }) => {
    expect(decodeTimex(bytes, state)).toMatchObject(want)
  })

  it('rejects a short buffer instead of reading past it', () => {
    expect(() => decodeTimex(new Uint8Array(100), 0)).toThrow(ParseError)
    expect(() => decodeTimex(new Uint8Array(0), 0)).toThrow(/0 bytes, want 208/)
  })

  it('reads a view at an offset into its buffer', () => {
    const backing = new Uint8Array(TIMEX_SIZE + 16)
    new DataView(backing.buffer).setBigInt64(16 + 88, 10_000n, true)
    expect(decodeTimex(backing.subarray(16), 0).tick).toBe(10_000)
  })
})
