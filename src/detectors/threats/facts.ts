import type { ProcessRecord, ProcessTable } from '../../process/types.ts'
import type { FdTarget, ProcessSockets } from '../../process/sockets.ts'
import type { TcpSocket } from '../../procfs/net-tcp.ts'
import type { Ancestor, Connection, ProcessFacts, StdioFd } from './types.ts'
import { INTERPRETERS, MINER_NAMES, SERVICES, SHELLS } from './lists.ts'
import { untrustedExecutable } from './rules/paths.ts'

const ANCESTRY_DEPTH = 6

function connection(s: TcpSocket): Connection {
  return { remoteAddress: s.remoteAddress, remotePort: s.remotePort, localPort: s.localPort, state: s.state }
}

function stdioFd(fd: FdTarget | undefined): StdioFd | undefined {
  if (!fd) {
    return undefined
  }
  return fd.socket ? { kind: 'tcp', connection: connection(fd.socket) } : { kind: fd.kind }
}

export function ancestorsOf(table: ProcessTable, p: ProcessRecord): Ancestor[] {
  const out: Ancestor[] = []
  let ppid = p.ppid
  while (out.length < ANCESTRY_DEPTH && ppid > 0) {
    const a = table.processes.get(ppid)
    if (!a) {
      break
    }
    out.push({ pid: a.pid, comm: a.comm, exe: a.identity.exe, argv: a.identity.argv })
    ppid = a.ppid
  }
  return out
}

/** What the rules see of one process in this tick (time comes from the table, not the clock). */
export function factsFor(
  table: ProcessTable,
  p: ProcessRecord,
  user: string | undefined,
  sockets: ProcessSockets | undefined,
  ancestors: readonly Ancestor[] = ancestorsOf(table, p),
): ProcessFacts {
  return {
    pid: p.pid,
    ppid: p.ppid,
    comm: p.comm,
    exe: p.identity.exe,
    exeDeleted: p.identity.exeDeleted,
    argv: p.identity.argv,
    uid: p.uid,
    euid: p.euid,
    user,
    cwd: p.identity.cwd,
    container: p.identity.container,
    kernelThread: p.kernelThread,
    ageSeconds: Math.max(0, table.at / 1000 - p.startTimeSeconds),
    cpuCores: p.cpuCores,
    cpuSeconds: p.cpuUserSeconds + p.cpuSystemSeconds,
    ancestors,
    stdio: sockets?.stdio ? { stdin: stdioFd(sockets.stdio.stdin), stdout: stdioFd(sockets.stdio.stdout), stderr: stdioFd(sockets.stdio.stderr) } : undefined,
    connections: sockets?.tcp?.map(connection),
    stdinFrom: stdinFrom(table, sockets),
  }
}

function stdinFrom(table: ProcessTable, sockets: ProcessSockets | undefined): ProcessFacts['stdinFrom'] {
  const w = sockets?.stdinWriter
  const q = w === undefined ? undefined : table.processes.get(w.pid)
  return w && q ? { comm: q.comm, argv: q.identity.argv, connections: w.tcp.map(connection) } : undefined
}

/** Lifetime CPU of at least this many cores on average, after this many seconds, is sustained. */
const SUSTAINED_CORES = 0.8
const SUSTAINED_AGE_SECONDS = 120

export function isSustained(p: ProcessRecord, at: number): boolean {
  const age = at / 1000 - p.startTimeSeconds
  return age >= SUSTAINED_AGE_SECONDS && (p.cpuUserSeconds + p.cpuSystemSeconds) / age >= SUSTAINED_CORES
}

/** What a process image is, for choosing the work each tick; cached until the process execs. */
export interface Profile {
  /** A shell or interpreter: its fds 0-2 are checked for TCP (reverse shells). */
  readonly shellLike: boolean
  /** Already suspect (a static finding, an untrusted binary, a miner name): every descriptor is checked for pool connections. */
  readonly suspect: boolean
  /** A web, application or database server: shells below it are evaluated every tick. */
  readonly service: boolean
}

export function profileOf(p: ProcessRecord, staticFindings: number): Profile {
  const argv0 = (p.identity.argv[0] ?? '').split(' ')[0] ?? ''
  const prog = argv0
    .slice(argv0.lastIndexOf('/') + 1)
    .replace(/^-/, '')
    .toLowerCase()
  const comm = p.comm.toLowerCase()
  const exe = p.identity.exe
  return {
    shellLike: SHELLS.has(prog) || SHELLS.has(comm) || INTERPRETERS.test(prog) || INTERPRETERS.test(comm),
    suspect: staticFindings > 0 || MINER_NAMES.has(comm) || (exe !== undefined && untrustedExecutable({ exe, exeDeleted: p.identity.exeDeleted })),
    service: SERVICES.has(comm) || /^(?:php-fpm|httpd)/.test(comm),
  }
}
