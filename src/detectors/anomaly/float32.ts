/** Rounding to float32 in a chosen direction, so a stored box still contains its points. */
const f32 = new Float32Array(1)
const i32 = new Int32Array(f32.buffer)

function step(r: number, up: boolean): number {
  if (r === 0) return up ? 1.401298464324817e-45 : -1.401298464324817e-45
  f32[0] = r
  // For positive floats the bit pattern grows with the value, for negative it shrinks.
  i32[0]! += r > 0 === up ? 1 : -1
  return f32[0]!
}

/** The largest float32 <= v. */
export function f32Down(v: number): number {
  const r = Math.fround(v)
  return r > v ? step(r, false) : r
}

/** The smallest float32 >= v. */
export function f32Up(v: number): number {
  const r = Math.fround(v)
  return r < v ? step(r, true) : r
}
