import { describe, expect, it } from 'vitest'
import { NFSD_V4_OPERATIONS, NFS_CLIENT_V4_PROCEDURES, NFS_V2_PROCEDURES, NFS_V3_PROCEDURES, parseNfsClient, parseNfsServer } from './nfs.ts'
import { ParseError } from './parse-error.ts'

/** "<key> <n> 1 2 ... n", or with explicit values. */
const seq = (n: number, from = 1) => Array.from({ length: n }, (_, i) => i + from).join(' ')
const proc = (key: string, n: number, values = seq(n)) => `${key} ${n} ${values}`

const CLIENT = ['net 70 71 72 73', 'rpc 1000 20 30', proc('proc2', 18), proc('proc3', 22, seq(22, 101)), 'proc4 2 7 8', ''].join('\n')

const SERVER = [
  'rc 1 2 3',
  'fh 4 0 0 0 0',
  'io 157286400 72864',
  'th 8 3 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 0.000 12.345',
  `ra 32 ${seq(10, 11)} 99`,
  'net 972 55 917 1',
  'rpc 18628 3 1 2 0',
  proc('proc2', 18),
  proc('proc3', 22),
  'proc4 2 2 10853',
  proc('proc4ops', 72),
  'wdeleg_getattr 15',
  '',
].join('\n')

describe('parseNfsClient', () => {
  it('parses network, rpc and the procedure lines by table', () => {
    const s = parseNfsClient(CLIENT, 'nfs')
    expect(s.network).toEqual({ netCount: 70, udpCount: 71, tcpCount: 72, tcpConnect: 73 })
    expect(s.rpc).toEqual({ rpcCount: 1000, retransmissions: 20, authRefreshes: 30 })
    expect([...s.procedures.keys()]).toEqual(['2', '3', '4'])
    expect([...(s.procedures.get('2') ?? [])]).toEqual(NFS_V2_PROCEDURES.map((name, i) => [name, i + 1]))
    expect(s.procedures.get('3')?.get('Commit')).toBe(122)
  })

  it('pads a short v4 line with zeros to all 59 procedures', () => {
    const v4 = parseNfsClient(CLIENT, 'nfs').procedures.get('4')
    expect(v4?.size).toBe(59)
    expect([v4?.get('Null'), v4?.get('Read'), v4?.get('Write'), v4?.get('Clone')]).toEqual([7, 8, 0, 0])
  })

  it("keeps procfs' names for v4 positions 45 and 46, and ignores values past the 59th", () => {
    const v4 = parseNfsClient(proc('proc4', 69), 'nfs').procedures.get('4')
    expect([v4?.get('GetDeviceInfo'), v4?.get('LayoutGet'), v4?.get('Clone'), v4?.size]).toEqual([45, 46, 59, 59])
    expect(NFS_CLIENT_V4_PROCEDURES).toHaveLength(59)
  })

  it('reads absent lines, an empty file and blank lines as zeros', () => {
    for (const text of ['', '\n\n', '   \n']) {
      const s = parseNfsClient(text, 'nfs')
      expect(s.network).toEqual({ netCount: 0, udpCount: 0, tcpCount: 0, tcpConnect: 0 })
      expect([...s.procedures].map(([v, m]) => [v, m.size, Math.max(...m.values())])).toEqual([
        ['2', 18, 0],
        ['3', 22, 0],
        ['4', 59, 0],
      ])
    }
  })

  it('tolerates CRLF, tabs and unknown line keys', () => {
    const s = parseNfsClient('net\t1 2 3 4\r\nxprt tcp 0 a b\r\n__proto__ 1\nhasOwnProperty 2\nrpc 5 6 7\r\n', 'nfs')
    expect(s.network.tcpConnect).toBe(4)
    expect(s.rpc.authRefreshes).toBe(7)
  })

  it('keeps uint64 values up to 2^64-1 at float64 precision', () => {
    const s = parseNfsClient('rpc 18446744073709551615 9007199254740993 0\n', 'nfs')
    expect(s.rpc.rpcCount).toBe(18446744073709551615)
    expect(s.rpc.retransmissions).toBe(9007199254740992)
  })

  it.each([
    ['a key without values', 'net\n'],
    ['too few net values', 'net 1 2 3\n'],
    ['too many net values', 'net 1 2 3 4 5\n'],
    ['too few rpc values', 'rpc 1 2\n'],
    ['a negative value', 'net 1 -2 3 4\n'],
    ['a signed value', 'net 1 +2 3 4\n'],
    ['a fraction', 'net 1 2.5 3 4\n'],
    ['a word', 'rpc 1 x 3\n'],
    ['hex', 'rpc 0x10 1 2\n'],
    ['a value past 2^64-1', 'rpc 18446744073709551616 0 0\n'],
    ['fewer values than the count says', `proc2 18 ${seq(17)}\n`],
    ['more values than the count says', `proc3 22 ${seq(23)}\n`],
    ['a truncated line', 'proc3 22 1 2 3\n'],
    ['a v2 count below 18', proc('proc2', 17)],
    ['a v3 count below 22', proc('proc3', 21)],
    ['a v4 count that disagrees', 'proc4 3 1 2\n'],
    ['a count past 2^64-1', 'proc4 99999999999999999999 1\n'],
  ])('rejects %s', (_, text) => {
    expect(() => parseNfsClient(`net 1 2 3 4\n${text}`, '/proc/net/rpc/nfs')).toThrowError(ParseError)
    expect(() => parseNfsClient(`net 1 2 3 4\n${text}`, '/proc/net/rpc/nfs')).toThrowError(/^\/proc\/net\/rpc\/nfs:2: /)
  })
})

describe('parseNfsServer', () => {
  it('parses every line of a current kernel', () => {
    const s = parseNfsServer(SERVER, 'nfsd')
    expect(s.replyCache).toEqual({ hits: 1, misses: 2, noCache: 3 })
    expect(s.fileHandles.stale).toBe(4)
    expect(s.io).toEqual({ read: 157286400, write: 72864 })
    expect(s.threads).toEqual({ threads: 8, fullCnt: 3 })
    expect([s.readAhead.cacheSize, s.readAhead.depth1, s.readAhead.depth10, s.readAhead.notFound]).toEqual([32, 11, 20, 99])
    expect(s.network).toEqual({ netCount: 972, udpCount: 55, tcpCount: 917, tcpConnect: 1 })
    expect(s.rpc).toEqual({ rpcCount: 18628, badCnt: 3, badFmt: 1, badAuth: 2, badcInt: 0 })
    expect(s.procedures.get('3')?.get('Commit')).toBe(22)
    expect([...s.v4Calls]).toEqual([
      ['Null', 2],
      ['Compound', 10853],
    ])
    expect([...(s.procedures.get('4') ?? [])]).toEqual(NFSD_V4_OPERATIONS.map((name, i) => [name, i + 1]))
    expect(s.wdelegGetattr).toBe(15)
  })

  it('accepts 39 v4 operations (Linux 2.5), reading RelLockOwner as 0', () => {
    const ops = parseNfsServer(proc('proc4ops', 39), 'nfsd').procedures.get('4')
    expect([ops?.get('Write'), ops?.get('RelLockOwner'), ops?.size]).toEqual([39, 0, 40])
  })

  it('reads absent lines as zeros, including wdeleg_getattr on older kernels', () => {
    const s = parseNfsServer('rc 1 2 3\n', 'nfsd')
    expect(s.wdelegGetattr).toBe(0)
    expect(s.threads).toEqual({ threads: 0, fullCnt: 0 })
    expect([...s.procedures].map(([v, m]) => [v, m.size])).toEqual([
      ['2', 18],
      ['3', 22],
      ['4', 40],
    ])
    expect([...s.v4Calls]).toEqual([
      ['Null', 0],
      ['Compound', 0],
    ])
  })

  it('parses only the first two "th" values and skips unknown keys', () => {
    const s = parseNfsServer('th 4 1 not-a-number\r\nfuture_line 1 x\r\n__proto__ 1\ntoString 2\nconstructor x\n', 'nfsd')
    expect(s.threads).toEqual({ threads: 4, fullCnt: 1 })
  })

  it.each([
    ['a one-value th line', 'th 8\n'],
    ['a bad thread count', 'th x 0 0.000\n'],
    ['a short rc line', 'rc 1 2\n'],
    ['a short fh line', 'fh 1 2 3 4\n'],
    ['a long io line', 'io 1 2 3\n'],
    ['a short ra line', 'ra 32 0 0\n'],
    ['a fractional ra value', `ra 32 ${seq(10)} 0.5\n`],
    ['a short rpc line', 'rpc 1 2 3 4\n'],
    ['a proc4 line with three procedures', 'proc4 3 1 2 3\n'],
    ['38 v4 operations', proc('proc4ops', 38)],
    ['a proc4ops count that disagrees', `proc4ops 40 ${seq(39)}\n`],
    ['two wdeleg_getattr values', 'wdeleg_getattr 1 2\n'],
    ['a key without values', 'wdeleg_getattr\n'],
  ])('rejects %s', (_, text) => {
    expect(() => parseNfsServer(`rc 0 0 0\n${text}`, '/proc/net/rpc/nfsd')).toThrowError(/^\/proc\/net\/rpc\/nfsd:2: /)
  })

  it('shares the v2 and v3 tables with the client', () => {
    const s = parseNfsServer(SERVER, 'nfsd')
    expect([...(s.procedures.get('2')?.keys() ?? [])]).toEqual([...NFS_V2_PROCEDURES])
    expect([...(s.procedures.get('3')?.keys() ?? [])]).toEqual([...NFS_V3_PROCEDURES])
  })
})
