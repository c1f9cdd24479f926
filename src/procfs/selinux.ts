import { ParseError, lines } from './parse-error.ts'

/** SELinux enforcement modes as go-selinux numbers them. */
export const SELINUX_ENFORCING = 1
export const SELINUX_PERMISSIVE = 0
export const SELINUX_DISABLED = -1

/**
 * The mode /etc/selinux/config asks for at boot (its SELINUX= line), as go-selinux's
 * DefaultEnforceMode reads it: comments (# or ;) and blank lines skipped, the first
 * SELINUX assignment wins, quotes trimmed; anything but enforcing or permissive (or no
 * file) is disabled.
 */
export function parseSelinuxConfigMode(text: string | undefined): number {
  for (const raw of lines(text ?? '')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) {
      continue
    }
    const eq = line.indexOf('=')
    if (eq < 0 || line.slice(0, eq).trim() !== 'SELINUX') {
      continue
    }
    const value = line
      .slice(eq + 1)
      .trim()
      .replace(/^"+|"+$/g, '')
    return value === 'enforcing' ? SELINUX_ENFORCING : value === 'permissive' ? SELINUX_PERMISSIVE : SELINUX_DISABLED
  }
  return SELINUX_DISABLED
}

/** The running mode from <selinuxfs>/enforce; unreadable or not a number is disabled (-1), as go-selinux. */
export function parseSelinuxEnforce(text: string | undefined): number {
  const value = text === undefined ? Number.NaN : Number.parseInt(text.trim(), 10)
  return Number.isInteger(value) ? value : SELINUX_DISABLED
}

export interface AvcCacheStats {
  readonly lookups: number
  readonly hits: number
  readonly misses: number
  readonly allocations: number
  readonly reclaims: number
  readonly frees: number
}

const AVC_FIELDS = ['lookups', 'hits', 'misses', 'allocations', 'reclaims', 'frees'] as const

/**
 * <selinuxfs>/avc/cache_stats: a header, then one line of six counters per CPU, summed
 * (node_exporter's parseAVCStats).
 */
export function parseAvcCacheStats(text: string, file: string): AvcCacheStats {
  const sums = [0, 0, 0, 0, 0, 0]
  lines(text)
    .slice(1)
    .forEach((line, i) => {
      const values = line.match(/\d+/g)
      if (values?.length !== AVC_FIELDS.length) {
        throw new ParseError(`${file} line ${i + 2}: want ${AVC_FIELDS.length} counters: ${JSON.stringify(line.slice(0, 80))}`)
      }
      for (const [j, v] of values.entries()) sums[j] = (sums[j] as number) + Number(v)
    })
  return Object.fromEntries(AVC_FIELDS.map((name, j) => [name, sums[j] as number])) as unknown as AvcCacheStats
}

export interface AvcHashStats {
  readonly entries: number
  readonly bucketsUsed: number
  readonly bucketsAvailable: number
  readonly longestChain: number
}

/** <selinuxfs>/avc/hash_stats: "entries: N", "buckets used: U/A", "longest chain: L". */
export function parseAvcHashStats(text: string, file: string): AvcHashStats {
  const number = (re: RegExp, what: string): RegExpExecArray => {
    const m = re.exec(text)
    if (!m) {
      throw new ParseError(`${file}: no ${what}`)
    }
    return m
  }
  const buckets = number(/^buckets used: (\d+)\/(\d+)\r?$/m, 'buckets used')
  return {
    entries: Number(number(/^entries: (\d+)\r?$/m, 'entries')[1]),
    bucketsUsed: Number(buckets[1]),
    bucketsAvailable: Number(buckets[2]),
    longestChain: Number(number(/^longest chain: (\d+)\r?$/m, 'longest chain')[1]),
  }
}
