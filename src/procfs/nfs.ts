import { goDecimalUint } from './go-uint.ts'
import { ParseError } from './parse-error.ts'

/**
 * Parsers for the kernel's NFS RPC statistics: /proc/net/rpc/nfs (client) and
 * /proc/net/rpc/nfsd (server), with the line rules of prometheus/procfs' nfs package.
 * Each line is "<key> <uint64>..."; a procedure line's first value is the count of the
 * values after it. Every statistic reads as 0 when its line is absent, as in procfs, so a
 * kernel without NFSv2 still reports the v2 procedures (at 0) like node_exporter.
 * Unlike procfs, lines with unknown keys are skipped: new kernels add lines (procfs failed
 * the whole file on "wdeleg_getattr" until it learnt it).
 */

/** NFSv2 procedures, in file order (RFC 1094; procfs' V2Stats field names). */
export const NFS_V2_PROCEDURES = [
  'Null',
  'GetAttr',
  'SetAttr',
  'Root',
  'Lookup',
  'ReadLink',
  'Read',
  'WrCache',
  'Write',
  'Create',
  'Remove',
  'Rename',
  'Link',
  'SymLink',
  'MkDir',
  'RmDir',
  'ReadDir',
  'FsStat',
] as const

/** NFSv3 procedures, in file order (RFC 1813; procfs' V3Stats field names). */
export const NFS_V3_PROCEDURES = [
  'Null',
  'GetAttr',
  'SetAttr',
  'Lookup',
  'Access',
  'ReadLink',
  'Read',
  'Write',
  'Create',
  'MkDir',
  'SymLink',
  'MkNod',
  'Remove',
  'RmDir',
  'Rename',
  'Link',
  'ReadDir',
  'ReadDirPlus',
  'FsStat',
  'FsInfo',
  'PathConf',
  'Commit',
] as const

/**
 * The first 59 NFSv4 client procedures, in file order, named as procfs' ClientV4Stats maps
 * them. procfs labels positions 45 and 46 GetDeviceInfo and LayoutGet (the kernel's order
 * is LAYOUTGET, GETDEVICEINFO); node_exporter exports them so, and so does this table.
 */
export const NFS_CLIENT_V4_PROCEDURES = [
  'Null',
  'Read',
  'Write',
  'Commit',
  'Open',
  'OpenConfirm',
  'OpenNoattr',
  'OpenDowngrade',
  'Close',
  'Setattr',
  'FsInfo',
  'Renew',
  'SetClientID',
  'SetClientIDConfirm',
  'Lock',
  'Lockt',
  'Locku',
  'Access',
  'Getattr',
  'Lookup',
  'LookupRoot',
  'Remove',
  'Rename',
  'Link',
  'Symlink',
  'Create',
  'Pathconf',
  'StatFs',
  'ReadLink',
  'ReadDir',
  'ServerCaps',
  'DelegReturn',
  'GetACL',
  'SetACL',
  'FsLocations',
  'ReleaseLockowner',
  'Secinfo',
  'FsidPresent',
  'ExchangeID',
  'CreateSession',
  'DestroySession',
  'Sequence',
  'GetLeaseTime',
  'ReclaimComplete',
  'GetDeviceInfo',
  'LayoutGet',
  'LayoutCommit',
  'LayoutReturn',
  'SecinfoNoName',
  'TestStateID',
  'FreeStateID',
  'GetDeviceList',
  'BindConnToSession',
  'DestroyClientID',
  'Seek',
  'Allocate',
  'DeAllocate',
  'LayoutStats',
  'Clone',
] as const

/** The first 40 NFSv4 server operations ("proc4ops"), in file order (procfs' V4Ops). */
export const NFSD_V4_OPERATIONS = [
  'Op0Unused',
  'Op1Unused',
  'Op2Future',
  'Access',
  'Close',
  'Commit',
  'Create',
  'DelegPurge',
  'DelegReturn',
  'GetAttr',
  'GetFH',
  'Link',
  'Lock',
  'Lockt',
  'Locku',
  'Lookup',
  'LookupRoot',
  'Nverify',
  'Open',
  'OpenAttr',
  'OpenConfirm',
  'OpenDgrd',
  'PutFH',
  'PutPubFH',
  'PutRootFH',
  'Read',
  'ReadDir',
  'ReadLink',
  'Remove',
  'Rename',
  'Renew',
  'RestoreFH',
  'SaveFH',
  'SecInfo',
  'SetAttr',
  'SetClientID',
  'SetClientIDConfirm',
  'Verify',
  'Write',
  'RelLockOwner',
] as const

/** A procedure-count line: the names of its values and how many values it may have. */
interface ProcedureLine {
  readonly version: string
  readonly names: readonly string[]
  /** Fewest values accepted; names past the values present read as 0. */
  readonly min: number
  /** Most values accepted; values past `names` are ignored. */
  readonly max?: number
}

const V2_LINE: ProcedureLine = { version: '2', names: NFS_V2_PROCEDURES, min: 18 }
const V3_LINE: ProcedureLine = { version: '3', names: NFS_V3_PROCEDURES, min: 22 }

/** Client lines: kernels before 4.x print fewer than 59 v4 procedures, padded with 0. */
const CLIENT_PROCEDURE_LINES: ReadonlyMap<string, ProcedureLine> = new Map([
  ['proc2', V2_LINE],
  ['proc3', V3_LINE],
  ['proc4', { version: '4', names: NFS_CLIENT_V4_PROCEDURES, min: 0 }],
])

/** Server lines: 2.5 kernels print 39 v4 operations, later ones 40 or more. */
const SERVER_PROCEDURE_LINES: ReadonlyMap<string, ProcedureLine> = new Map([
  ['proc2', V2_LINE],
  ['proc3', V3_LINE],
  ['proc4ops', { version: '4', names: NFSD_V4_OPERATIONS, min: 39 }],
])

/** The server's "proc4" line: exactly the NULL and COMPOUND procedures. */
const SERVER_V4_LINE: ProcedureLine = { version: '4', names: ['Null', 'Compound'], min: 2, max: 2 }

const NETWORK = ['netCount', 'udpCount', 'tcpCount', 'tcpConnect'] as const
const CLIENT_RPC = ['rpcCount', 'retransmissions', 'authRefreshes'] as const
const SERVER_RPC = ['rpcCount', 'badCnt', 'badFmt', 'badAuth', 'badcInt'] as const
const REPLY_CACHE = ['hits', 'misses', 'noCache'] as const
const FILE_HANDLES = ['stale', 'totalLookups', 'anonLookups', 'dirNoCache', 'noDirNoCache'] as const
const INPUT_OUTPUT = ['read', 'write'] as const
const THREADS = ['threads', 'fullCnt'] as const
/** "ra": cache size, a 10-bucket depth histogram, then not-found (all 0 since Linux 5.8). */
const READ_AHEAD = ['cacheSize', 'depth1', 'depth2', 'depth3', 'depth4', 'depth5', 'depth6', 'depth7', 'depth8', 'depth9', 'depth10', 'notFound'] as const
const WDELEG_GETATTR = ['count'] as const

/** A fixed-width line's values by field name. */
export type Fields<T extends readonly string[]> = Readonly<Record<T[number], number>>

/** Version ('2', '3', '4') -> procedure name -> count; every table name is present. */
export type Procedures = ReadonlyMap<string, ReadonlyMap<string, number>>

export interface NfsClientStats {
  readonly network: Fields<typeof NETWORK>
  readonly rpc: Fields<typeof CLIENT_RPC>
  readonly procedures: Procedures
}

export interface NfsServerStats {
  readonly replyCache: Fields<typeof REPLY_CACHE>
  readonly fileHandles: Fields<typeof FILE_HANDLES>
  readonly io: Fields<typeof INPUT_OUTPUT>
  readonly threads: Fields<typeof THREADS>
  readonly readAhead: Fields<typeof READ_AHEAD>
  readonly network: Fields<typeof NETWORK>
  readonly rpc: Fields<typeof SERVER_RPC>
  /** proc2, proc3 and proc4ops (as version '4'). */
  readonly procedures: Procedures
  /** The "proc4" line: NULL and COMPOUND calls. */
  readonly v4Calls: ReadonlyMap<string, number>
  /** "wdeleg_getattr": write delegations recalled for a conflicting GETATTR (Linux 6.6+). */
  readonly wdelegGetattr: number
}

/** Where a line sits, for error messages. */
interface At {
  readonly file: string
  readonly line: number
  readonly key: string
}

function uint64(text: string, at: At): number {
  const value = goDecimalUint(text)
  if (typeof value !== 'number') {
    throw new ParseError(`${at.file}:${at.line}: invalid value in "${at.key}" line: ${JSON.stringify(text.slice(0, 40))}`)
  }
  return value
}

function fields<T extends readonly string[]>(names: T, values: readonly number[], at: At): Fields<T> {
  if (values.length !== names.length) {
    throw new ParseError(`${at.file}:${at.line}: "${at.key}" line has ${values.length} values, want ${names.length}`)
  }
  return Object.fromEntries(names.map((name, i) => [name, values[i]])) as Fields<T>
}

function zeros<T extends readonly string[]>(names: T): Fields<T> {
  return Object.fromEntries(names.map((name) => [name, 0])) as Fields<T>
}

function procedures(spec: ProcedureLine, values: readonly number[], at: At): Map<string, number> {
  const [count, ...rest] = values
  const where = `${at.file}:${at.line}: "${at.key}" line`
  if (count !== rest.length) {
    throw new ParseError(`${where} announces ${count} values and has ${rest.length}`)
  }
  if (rest.length < spec.min || (spec.max !== undefined && rest.length > spec.max)) {
    throw new ParseError(`${where} has ${rest.length} values, want ${spec.max === spec.min ? '' : 'at least '}${spec.min}`)
  }
  return new Map(spec.names.map((name, i) => [name, rest[i] ?? 0]))
}

const zeroCounts = (spec: ProcedureLine): Map<string, number> => new Map(spec.names.map((name) => [name, 0]))

function zeroProcedures(lines: ReadonlyMap<string, ProcedureLine>): Map<string, ReadonlyMap<string, number>> {
  return new Map([...lines.values()].map((spec) => [spec.version, zeroCounts(spec)]))
}

/** Calls `onLine` with each non-blank line's key and its values (the tokens after the key). */
function eachLine(text: string, file: string, onLine: (at: At, tokens: readonly string[]) => void): void {
  text.split('\n').forEach((raw, i) => {
    const tokens = raw.trim().split(/\s+/)
    const key = tokens[0] as string
    if (key === '') {
      return
    }
    const at = { file, line: i + 1, key }
    if (tokens.length < 2) {
      throw new ParseError(`${file}:${at.line}: "${key}" line has no values`)
    }
    onLine(at, tokens.slice(1))
  })
}

const numbers = (tokens: readonly string[], at: At): number[] => tokens.map((t) => uint64(t, at))

/** Parses /proc/net/rpc/nfs. */
export function parseNfsClient(text: string, file: string): NfsClientStats {
  let network = zeros(NETWORK)
  let rpc = zeros(CLIENT_RPC)
  const procs = zeroProcedures(CLIENT_PROCEDURE_LINES)
  eachLine(text, file, (at, tokens) => {
    const spec = CLIENT_PROCEDURE_LINES.get(at.key)
    if (spec !== undefined) {
      procs.set(spec.version, procedures(spec, numbers(tokens, at), at))
    } else if (at.key === 'net') {
      network = fields(NETWORK, numbers(tokens, at), at)
    } else if (at.key === 'rpc') {
      rpc = fields(CLIENT_RPC, numbers(tokens, at), at)
    }
  })
  return { network, rpc, procedures: procs }
}

/** Parses /proc/net/rpc/nfsd. */
export function parseNfsServer(text: string, file: string): NfsServerStats {
  const stats = {
    replyCache: zeros(REPLY_CACHE),
    fileHandles: zeros(FILE_HANDLES),
    io: zeros(INPUT_OUTPUT),
    threads: zeros(THREADS),
    readAhead: zeros(READ_AHEAD),
    network: zeros(NETWORK),
    rpc: zeros(SERVER_RPC),
    procedures: zeroProcedures(SERVER_PROCEDURE_LINES),
    v4Calls: zeroCounts(SERVER_V4_LINE),
    wdelegGetattr: 0,
  }
  eachLine(text, file, (at, tokens) => {
    const spec = SERVER_PROCEDURE_LINES.get(at.key)
    if (spec !== undefined) {
      stats.procedures.set(spec.version, procedures(spec, numbers(tokens, at), at))
      return
    }
    switch (at.key) {
      case 'rc':
        stats.replyCache = fields(REPLY_CACHE, numbers(tokens, at), at)
        break
      case 'fh':
        stats.fileHandles = fields(FILE_HANDLES, numbers(tokens, at), at)
        break
      case 'io':
        stats.io = fields(INPUT_OUTPUT, numbers(tokens, at), at)
        break
      case 'th':
        // Only threads and fullcnt: the rest is a deprecated histogram of "s.mmm" times.
        stats.threads = fields(THREADS, numbers(tokens.slice(0, 2), at), at)
        break
      case 'ra':
        stats.readAhead = fields(READ_AHEAD, numbers(tokens, at), at)
        break
      case 'net':
        stats.network = fields(NETWORK, numbers(tokens, at), at)
        break
      case 'rpc':
        stats.rpc = fields(SERVER_RPC, numbers(tokens, at), at)
        break
      case 'proc4':
        stats.v4Calls = procedures(SERVER_V4_LINE, numbers(tokens, at), at)
        break
      case 'wdeleg_getattr':
        stats.wdelegGetattr = fields(WDELEG_GETATTR, numbers(tokens, at), at).count
        break
    }
  })
  return stats
}
