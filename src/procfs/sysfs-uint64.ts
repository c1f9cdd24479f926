import { parseGoUint } from './go-uint.ts'

/**
 * A sysfs counter as procfs' sysfs package reads it: the file trimmed (SysReadFile), then
 * strconv.ParseUint(s, 0, 64) (ValueParser.PUInt64), so decimal, 0x hex, 0o/leading-0
 * octal and 0b binary are accepted. Anything else, or a value past 2^64-1, is a
 * ParseError naming the file. A bigint: 2^64-1 is a sentinel some drivers use.
 */
export function parseSysfsUint64(text: string, what: string): bigint {
  return parseGoUint(text.trim(), 0, 64, what)
}
