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
    stdio: sockets?.stdio
      ? { stdin: stdioFd(sockets.stdio.stdin), stdout: stdioFd(sockets.stdio.stdout), stderr: stdioFd(sockets.stdio.stderr) }
      : undefined,
    connections: sockets?.tcp?.map(connection),
  }
}

/** Lifetime CPU of at least this many cores on average, after this many seconds, is sustained. */
const SUSTAINED_CORES = 0.8
const SUSTAINED_AGE_SECONDS = 120

function sustained(p: ProcessRecord, at: number): boolean {
  const age = at / 1000 - p.startTimeSeconds
  return age >= SUSTAINED_AGE_SECONDS && (p.cpuUserSeconds + p.cpuSystemSeconds) / age >= SUSTAINED_CORES
}

function program(p: ProcessRecord): string {
  const argv0 = (p.identity.argv[0] ?? '').split(' ')[0] ?? ''
  return argv0.slice(argv0.lastIndexOf('/') + 1).replace(/^-/, '').toLowerCase()
}

function shellLike(p: ProcessRecord): boolean {
  const prog = program(p)
  const comm = p.comm.toLowerCase()
  return SHELLS.has(prog) || SHELLS.has(comm) || INTERPRETERS.test(prog) || INTERPRETERS.test(comm)
}

/**
 * Which descriptors to inspect: fds 0-2 of shells and interpreters (reverse shells), and
 * every descriptor of processes already suspect (a static finding, an untrusted binary,
 * sustained CPU) for mining-pool connections. Everything else is left alone.
 */
export function wantsSocketWalk(p: ProcessRecord, at: number, hasStaticFinding: boolean): { stdio: boolean; walk: boolean } {
  const exe = p.identity.exe
  const untrusted = exe !== undefined && untrustedExecutable({ exe, exeDeleted: p.identity.exeDeleted })
  return { stdio: shellLike(p), walk: hasStaticFinding || untrusted || sustained(p, at) || MINER_NAMES.has(p.comm.toLowerCase()) }
}

/**
 * Whether any dynamic rule could fire: they need a shell or interpreter, a uid/euid split,
 * sustained CPU, or a service parent. Others skip the per-tick evaluation.
 */
export function mayFireDynamic(table: ProcessTable, p: ProcessRecord): boolean {
  if (shellLike(p) || (p.uid !== undefined && p.euid !== undefined && p.uid !== p.euid) || sustained(p, table.at)) {
    return true
  }
  const parent = table.processes.get(p.ppid)
  return parent !== undefined && (SERVICES.has(parent.comm.toLowerCase()) || /^(?:php-fpm|httpd)/.test(parent.comm))
}
