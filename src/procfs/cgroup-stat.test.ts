import { describe, expect, it } from 'vitest'
import { parseCgroupKeyed, requireKey } from './cgroup-stat.ts'
import { ParseError } from './parse-error.ts'

describe('parseCgroupKeyed', () => {
  const cases: [string, string, Record<string, number>, number][] = [
    ['v2 memory.events', 'low 0\nhigh 0\nmax 12\noom 2\noom_kill 1\noom_group_kill 0\n', { low: 0, high: 0, max: 12, oom: 2, oom_kill: 1, oom_group_kill: 0 }, 0],
    ['v1 memory.oom_control', 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n', { oom_kill_disable: 0, under_oom: 0, oom_kill: 3 }, 0],
    ['v1 cpu.stat', 'nr_periods 723\nnr_throttled 18\nthrottled_time 1724314000\n', { nr_periods: 723, nr_throttled: 18, throttled_time: 1724314000 }, 0],
    ['no trailing newline', 'usage_usec 5', { usage_usec: 5 }, 0],
    ['CRLF line ends', 'a 1\r\nb 2\r\n', { a: 1, b: 2 }, 0],
    ['empty file', '', {}, 0],
    ['blank lines', '\n\n\na 1\n\n', { a: 1 }, 0],
    ['negative, float, hex and text values are skipped', 'a -1\nb 1.5\nc 0x10\nd max\ne 7\n', { e: 7 }, 4],
    ['a line without a value', 'lonely\nx 1\n', { x: 1 }, 1],
    ['a line starting with a space', ' x 1\ny 2\n', { y: 2 }, 1],
    ['two spaces: the value is " 1"', 'x  1\n', {}, 1],
    ['a repeated key keeps the first value', 'x 1\nx 2\n', { x: 1 }, 0],
    ['a truncated last line', 'x 1\ny', { x: 1 }, 1],
    ['NUL bytes and binary junk', 'x\u00001\n\u0000\u0001\u0002\nz 3\n', { z: 3 }, 2],
    ['above 2^53 keeps float precision', 'big 18446744073709551615\n', { big: 18446744073709551615 }, 0],
    ['more than 20 digits is not a cgroup value', `big ${'9'.repeat(21)}\n`, {}, 1],
  ]
  it.each(cases)('%s', (_name, text, want, skipped) => {
    const got = parseCgroupKeyed(text)
    expect(Object.fromEntries(got.values)).toEqual(want)
    expect(got.skipped).toBe(skipped)
  })

  it('parses a memory.stat of 20,000 lines in one pass', () => {
    const text = Array.from({ length: 20_000 }, (_, i) => `key_${i} ${i}`).join('\n')
    const got = parseCgroupKeyed(text)
    expect(got.values.size).toBe(20_000)
    expect(got.values.get('key_19999')).toBe(19_999)
  })

  it('requireKey names the file and key it lacks', () => {
    const stat = parseCgroupKeyed('a 1\n')
    expect(requireKey(stat, 'a', 'f')).toBe(1)
    expect(() => requireKey(stat, 'usage_usec', '/x/cpu.stat')).toThrow(new ParseError('/x/cpu.stat: no "usage_usec" line'))
  })
})
