import { parseGoUint } from './go-uint.ts'
import { ParseError } from './parse-error.ts'
import { parseGoFloat } from './sysfs-value.ts'

/**
 * Parsers for /sys/class/infiniband/<device>/ports/<port>/, with the acceptance rules of
 * procfs' sysfs/class_infiniband.go that node_exporter's infiniband collector uses.
 */

/** What the kernel writes into a counter the port management agent cannot read. */
const NO_PMA = 'N/A (no PMA)'

const PORT_NUMBER = /^\d+$/
const U32_MAX = 0xffff_ffff
const U64_MAX = 2 ** 64

/** A port directory name: strconv.ParseUint(name, 10, 32). */
export function parsePortNumber(name: string, what: string): number {
  const value = PORT_NUMBER.test(name) ? Number(name) : Number.NaN
  if (!(value <= U32_MAX)) {
    throw new ParseError(`invalid InfiniBand port number in ${what}: ${JSON.stringify(name.slice(0, 40))}`)
  }
  return value
}

/**
 * A state or phys_state file, "<id>: <NAME>" ("4: ACTIVE", "5: LinkUp"): exactly one
 * colon, the id a decimal uint32 once surrounding whitespace is removed.
 */
export function parsePortState(text: string, what: string): { id: number; name: string } {
  const colon = text.indexOf(':')
  if (colon < 0 || text.indexOf(':', colon + 1) >= 0) {
    throw new ParseError(`failed to split ${what} into 'ID: NAME': ${JSON.stringify(text.slice(0, 40))}`)
  }
  const id = text.slice(0, colon).trim()
  return { id: parsePortNumber(id, what), name: text.slice(colon + 1).trim() }
}

/**
 * A rate file ("40 Gb/sec (4X QDR)") as bytes per second. As procfs: the text before
 * the first space is parsed as a float32 in Gb/s, times 125000000, truncated to uint64.
 * A value Go would turn into a platform-dependent uint64 (negative, NaN, infinite, above
 * 2^64) is an error here.
 */
export function parsePortRate(text: string, what: string): number {
  const space = text.indexOf(' ')
  if (space < 0) {
    throw new ParseError(`failed to split ${what}: ${JSON.stringify(text.slice(0, 40))}`)
  }
  const gbps = Math.fround(parseGoFloat(text.slice(0, space).trim(), what))
  const rate = Math.trunc(gbps * 125_000_000)
  if (!(rate >= 0 && rate < U64_MAX)) {
    throw new ParseError(`rate out of range in ${what}: ${JSON.stringify(text.slice(0, 40))}`)
  }
  return rate + 0 // "-0 Gb/sec" is 0, not -0
}

/**
 * One counter file, already trimmed: strconv.ParseUint(text, 0, 64) times `scale` in
 * uint64 arithmetic (port_*_data counters count 4-octet words), as float64. Undefined
 * when the kernel reports "N/A (no PMA)"; any other malformed value is a ParseError,
 * which fails the whole collection in node_exporter too.
 */
export function parseCounter(text: string, scale: number, what: string): number | undefined {
  let value: bigint
  try {
    value = parseGoUint(text, 0, 64, what)
  } catch (err) {
    if (text.includes(NO_PMA)) {
      return undefined
    }
    throw err
  }
  return Number(scale === 1 ? value : BigInt.asUintN(64, value * BigInt(scale)))
}
