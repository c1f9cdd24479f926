/**
 * Whether an Accept-Encoding header admits gzip (RFC 9110 section 12.5.3): `gzip` or
 * `x-gzip` with a non-zero q, or `*` with a non-zero q when gzip is not named.
 */
export function acceptsGzip(header: string | null | undefined): boolean {
  if (!header) {
    return false
  }
  let star: boolean | undefined
  for (const part of header.split(',')) {
    const [rawName = '', ...params] = part.split(';')
    const name = rawName.trim().toLowerCase()
    if (name === '') {
      continue
    }
    let q = 1
    for (const param of params) {
      const m = /^\s*q\s*=(.*)$/i.exec(param)
      if (m) {
        // A q that is not a number is a q of nothing.
        const raw = (m[1] as string).trim()
        const v = Number(raw)
        q = raw !== '' && Number.isFinite(v) ? v : 0
      }
    }
    if (name === 'gzip' || name === 'x-gzip') {
      return q > 0
    }
    if (name === '*') {
      star = q > 0
    }
  }
  return star ?? false
}
