import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { parseGoInt } from './go-uint.ts'
import { parseWatchdog, sysReadValue } from './watchdog.ts'

describe('parseWatchdog', () => {
  it('parses numbers and strings, trimming whitespace and ignoring unknown files', () => {
    const files = new Map([
      ['bootstatus', '32\n'],
      ['timeout', '30\r\n'],
      ['timeleft', '  12 \n'],
      ['nowayout', '1\n'],
      ['options', '0x8180\n'],
      ['identity', 'iTCO_wdt\n'],
      ['state', 'inactive\n'],
      ['power', 'ignored\n'],
    ])
    const wd = parseWatchdog('watchdog0', '/sys/class/watchdog/watchdog0', files)
    expect(wd.name).toBe('watchdog0')
    expect(Object.fromEntries(wd.numbers)).toEqual({ bootstatus: 32, timeout: 30, timeleft: 12, nowayout: 1 })
    expect(Object.fromEntries(wd.strings)).toEqual({ options: '0x8180', identity: 'iTCO_wdt', state: 'inactive' })
  })

  it('leaves out what the device lacks', () => {
    const wd = parseWatchdog('watchdog1', '/sys/class/watchdog/watchdog1', new Map())
    expect(wd.numbers.size).toBe(0)
    expect(wd.strings.size).toBe(0)
  })

  it('keeps an empty text attribute as an empty string', () => {
    expect(parseWatchdog('w', 'w', new Map([['status', '\n']])).strings.get('status')).toBe('')
  })

  it.each([
    ['timeout', ''],
    ['timeout', 'abc\n'],
    ['bootstatus', '1.5'],
    ['fw_version', '9223372036854775808'],
    ['pretimeout', '0x'],
  ])('fails the device on %s = %j, naming the file', (file, text) => {
    const run = () => parseWatchdog('watchdog0', '/sys/class/watchdog/watchdog0', new Map([[file, text]]))
    expect(run).toThrowError(ParseError)
    expect(run).toThrowError(new RegExp(`/sys/class/watchdog/watchdog0/${file}`))
  })
})

describe('parseGoInt (strconv.ParseInt base 0)', () => {
  it.each([
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['+7', 7],
    ['0x10', 16],
    ['-0x10', -16],
    ['010', 8],
    ['0b11', 3],
    ['1_000', 1000],
    ['9223372036854775807', 9223372036854775807],
    ['-9223372036854775808', -9223372036854775808],
  ] as const)('%j -> %d', (text, want) => {
    expect(parseGoInt(text, 'x')).toBe(want)
  })

  it.each(['', '-', '+-1', ' 1', '1e3', '08', '9223372036854775808', '-9223372036854775809'])('rejects %j', (text) => {
    expect(() => parseGoInt(text, 'x')).toThrowError(ParseError)
  })
})

describe('sysReadValue', () => {
  it('reads at most 128 characters, trimmed', () => {
    expect(sysReadValue(`${'a'.repeat(200)}\n`)).toBe('a'.repeat(128))
    expect(sysReadValue(' noop \n')).toBe('noop')
  })
})
