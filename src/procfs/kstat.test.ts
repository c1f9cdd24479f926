import { describe, expect, it } from 'vitest'
import { KSTAT_DATA_UINT64, parseKstatIo, parseKstatNamed, parseZpoolState } from './kstat.ts'
import { ParseError } from './parse-error.ts'

const RAW = '6 1 0x01 91 4368 5266997922 97951858082072\n'
const HEADER = 'name                            type data\n'

describe('parseKstatNamed', () => {
  it('keeps int64 and uint64 rows in file order and skips other types', () => {
    const text =
      RAW +
      HEADER +
      'hits                            4    8772612\n' +
      'arc_no_grow                     1    0\n' +
      'arc_loaned_bytes                3    -40\n' +
      'weird                           9    x\n' +
      'label                           7    a b  c \n' +
      'short                           4\n' +
      '\n' +
      'extra                           4    5 6 7\n'
    const k = parseKstatNamed(text, 'arcstats')
    expect(k.values).toEqual([
      ['hits', 8772612],
      ['arc_loaned_bytes', -40],
      ['extra', 5],
    ])
    expect(k.strings).toEqual(new Map([['label', 'a b  c ']]))
  })

  it.each<[string, string, readonly (readonly [string, number])[]]>([
    [
      'CRLF',
      `${RAW}name type data\r\nhits 4 1\r\nmisses 4 2\r\n`,
      [
        ['hits', 1],
        ['misses', 2],
      ],
    ],
    ['no final newline', `${RAW}${HEADER}hits 4 1`, [['hits', 1]]],
    ['header only', `${RAW}${HEADER}`, []],
    ['tab separated', `${RAW}name\ttype\tdata\nhits\t4\t3\n`, [['hits', 3]]],
    ['a second header is a skipped row', `${RAW}${HEADER}${HEADER}hits 4 1\n`, [['hits', 1]]],
    ['uint64 max', `${HEADER}big 4 18446744073709551615\n`, [['big', 18446744073709551615]]],
    ['above 2^53', `${HEADER}big 4 9007199254740993\n`, [['big', 9007199254740992]]],
    [
      'int64 bounds',
      `${HEADER}lo 3 -9223372036854775808\nhi 3 +9223372036854775807\n`,
      [
        ['lo', -9223372036854775808],
        ['hi', 9223372036854775807],
      ],
    ],
    [
      'leading zeros and -0',
      `${HEADER}a 4 00000000000000000000007\nb 3 -0\n`,
      [
        ['a', 7],
        ['b', 0],
      ],
    ],
    ['rows before the header are ignored', `hits 4 x\n${HEADER}hits 4 1\n`, [['hits', 1]]],
  ])('%s', (_, text, values) => {
    // toEqual tells -0 from 0, so "-0" must come out as 0
    expect(parseKstatNamed(text, 'f').values).toEqual(values)
  })

  it('reads only the requested numeric types', () => {
    expect(parseKstatNamed(`${HEADER}a 3 -1\nb 4 2\n`, 'f', [KSTAT_DATA_UINT64]).values).toEqual([['b', 2]])
  })

  it.each([
    ['empty file', ''],
    ['raw line only', RAW],
    ['header with a fourth column', `${RAW}name type data extra\nhits 4 1\n`],
    ['truncated header', `${RAW}name type\nhits 4 1\n`],
  ])('rejects %s: no header', (_, text) => {
    expect(() => parseKstatNamed(text, '/proc/spl/kstat/zfs/arcstats')).toThrowError(/arcstats: no "name type data" header/)
  })

  it.each([
    ['non-numeric', 'hits 4 12a', /line 3: invalid unsigned 64-bit integer for hits: "12a"/],
    ['negative uint64', 'hits 4 -1', /line 3: invalid unsigned/],
    ['plus uint64', 'hits 4 +1', /line 3: invalid unsigned/],
    ['uint64 overflow', 'hits 4 18446744073709551616', /line 3: invalid unsigned/],
    ['int64 overflow', 'hits 3 9223372036854775808', /line 3: invalid signed 64-bit integer for hits/],
    ['int64 underflow', 'hits 3 -9223372036854775809', /line 3: invalid signed/],
    ['bare sign', 'hits 3 -', /line 3: invalid signed/],
    ['float', 'hits 4 1.5', /line 3: invalid unsigned/],
    ['hex', 'hits 4 0x10', /line 3: invalid unsigned/],
  ])('rejects a %s value, naming file and line', (_, row, message) => {
    const parse = () => parseKstatNamed(`${RAW}${HEADER}${row}\n`, '/proc/spl/kstat/zfs/arcstats')
    expect(parse).toThrowError(ParseError)
    expect(parse).toThrowError(message)
  })
})

describe('parseKstatIo', () => {
  const NAMES = 'nread    nwritten reads    writes   wtime    wlentime wupdate  rtime    rlentime rupdate  wcnt     rcnt    \n'
  const VALUES = '1884160  3206144  22       132      7155162  104112268 79210489694949 24168078 104112268 79210489849220 0        0       \n'

  it('pairs the field row with the value row', () => {
    const io = parseKstatIo(`12 3 0x00 1 80 79205351707403 395818011156865\n${NAMES}${VALUES}`, 'io')
    expect(io).toHaveLength(12)
    expect(io[0]).toEqual(['nread', 1884160])
    expect(io[6]).toEqual(['wupdate', 79210489694949])
    expect(io[11]).toEqual(['rcnt', 0])
  })

  it.each([
    ['empty file', ''],
    ['raw line only', '12 3 0x00 1 80 1 2\n'],
    ['field row only', NAMES],
    ['too few fields to be the field row', 'nread nwritten reads\n1 2 3\n'],
  ])('%s: no values', (_, text) => {
    expect(parseKstatIo(text, 'io')).toEqual([])
  })

  it('tolerates CRLF, blank lines, extra values and later rows', () => {
    const text = `${NAMES.replace('\n', '\r\n')}\r\n\n${VALUES.trimEnd()} 99\r\n${VALUES.replace('1884160', '1')}`
    const io = parseKstatIo(text, 'io')
    expect(io[0]).toEqual(['nread', 1884160])
    expect(io[11]).toEqual(['rcnt', 0])
  })

  it.each([
    ['a truncated value row', `${NAMES}1 2 3\n`, /pool1\/io line 2: 3 values for 12 fields/],
    ['a non-numeric value', `${NAMES}${VALUES.replace('132', 'x')}`, /pool1\/io line 2: invalid unsigned 64-bit integer for writes: "x"/],
    ['a negative value', `${NAMES}${VALUES.replace('132', '-1')}`, /invalid unsigned/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseKstatIo(text, '/proc/spl/kstat/zfs/pool1/io')).toThrowError(message)
  })
})

describe('parseZpoolState', () => {
  it.each([
    ['ONLINE\n', 'online'],
    ['SUSPENDED', 'suspended'],
    ['DEGRADED\r\nignored\n', 'degraded'],
    ['', ''],
    ['\nONLINE\n', ''],
    ['ONLINE \n', 'online '],
  ])('%j -> %j', (text, state) => {
    expect(parseZpoolState(text)).toBe(state)
  })
})
