/**
 * Timestamps in the forms series files use, to epoch milliseconds, or NaN.
 * - `YYYY-MM-DD HH:MM:SS` (NAB) and ISO 8601 variants: `T` or space, optional seconds and
 *   fraction, optional `Z` or `+HH:MM` / `+HHMM`; no zone means UTC. A date alone is midnight.
 * - A plain number: epoch seconds, or milliseconds when its magnitude is above 1e11.
 */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

function digits(s: string, at: number, n: number): number {
  let v = 0
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48
    if (c < 0 || c > 9) return NaN
    v = v * 10 + c
  }
  return v
}

function valid(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 60) return false
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate()
  return d <= days
}

export function parseTimestamp(text: string): number {
  // Fast path for the NAB form, 19 characters.
  if (text.length === 19 && text[4] === '-' && text[7] === '-' && text[13] === ':' && text[16] === ':') {
    const sep = text[10]
    if (sep === ' ' || sep === 'T') {
      const y = digits(text, 0, 4)
      const mo = digits(text, 5, 2)
      const d = digits(text, 8, 2)
      const h = digits(text, 11, 2)
      const mi = digits(text, 14, 2)
      const s = digits(text, 17, 2)
      if (!Number.isNaN(y + mo + d + h + mi + s) && valid(y, mo, d, h, mi, s)) {
        return Date.UTC(y, mo - 1, d, h, mi, s)
      }
      return NaN
    }
  }
  const m = ISO.exec(text)
  if (m) {
    const y = Number(m[1])
    const mo = Number(m[2])
    const d = Number(m[3])
    const h = m[4] ? Number(m[4]) : 0
    const mi = m[5] ? Number(m[5]) : 0
    const s = m[6] ? Number(m[6]) : 0
    if (!valid(y, mo, d, h, mi, s)) return NaN
    const frac = m[7] ? Number(m[7]) * 1000 : 0
    let t = Date.UTC(y, mo - 1, d, h, mi, s) + frac
    const zone = m[8]
    if (zone && zone.toUpperCase() !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1
      const z = zone.slice(1).replace(':', '')
      const zh = Number(z.slice(0, 2))
      const zm = Number(z.slice(2))
      if (zh > 23 || zm > 59) return NaN
      t -= sign * (zh * 60 + zm) * 60_000
    }
    return t
  }
  if (NUMBER.test(text)) {
    const n = Number(text)
    return Math.abs(n) > 1e11 ? n : n * 1000
  }
  return NaN
}
