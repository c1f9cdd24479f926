import { join } from 'node:path'
import { parseNetTcp } from '../procfs/net-tcp.ts'
import type { TcpSocket } from '../procfs/net-tcp.ts'
import type { ProcFiles } from '../platform/proc-files.ts'
import type { ProcessTable } from './types.ts'

export type FdKind = 'tcp' | 'socket' | 'pipe' | 'tty' | 'null' | 'file' | 'other'

export interface FdTarget {
  readonly kind: FdKind
  readonly socket?: TcpSocket
  /** The pipe's inode, for a pipe. */
  readonly pipe?: string
}

/** The process writing into another's stdin pipe: a sibling holding the pipe as its stdout. */
export interface PipeWriter {
  readonly pid: number
  /** TCP sockets the writer holds (a downloader's connection). */
  readonly tcp: readonly TcpSocket[]
}

export interface ProcessSockets {
  readonly stdio?: { readonly stdin?: FdTarget; readonly stdout?: FdTarget; readonly stderr?: FdTarget }
  /** TCP sockets the process holds (only for processes whose descriptors were walked). */
  readonly tcp?: readonly TcpSocket[]
  /** For a stdio process whose stdin is a pipe: the sibling writing into it, when found. */
  readonly stdinWriter?: PipeWriter
}

export interface InspectRequest {
  /** Processes whose fds 0-2 are classified (shells and interpreters). */
  readonly stdio: Iterable<number>
  /** Processes whose every descriptor is walked for TCP sockets. */
  readonly walk: Iterable<number>
  /** When set, every network namespace's TCP table is read and sockets whose remote port matches are traced to their processes. */
  readonly sweep?: (remotePort: number) => boolean
  /** Of the stdio processes, those whose stdin pipe's writer is looked for (default: all). */
  readonly pipeWriterFor?: (pid: number) => boolean
}

const SOCKET = /^socket:\[(\d+)\]$/
const PIPE = /^pipe:\[(\d+)\]$/
/** Siblings looked at for the writer of a shell's stdin pipe (a pipeline is a few processes). */
const PIPE_SIBLINGS_LIMIT = 16
const NOT_TCP_CACHE_LIMIT = 50_000
/** A cached TCP socket is looked up in the tables again after this many ticks (state changes). */
const TCP_CACHE_TICKS = 8
/** Bound on descriptors walked to trace swept sockets to their owners, per tick. */
const SWEEP_PROCESS_LIMIT = 400
/**
 * Network namespaces whose tables one sweep reads. Each read walks the kernel's whole TCP
 * hash (docs/performance.md, "Figures behind source comments"), so a node with a hundred
 * pods is covered over several sweeps.
 */
const SWEEP_NAMESPACES = 4

function classify(link: string): { kind: FdKind; inode?: string; pipe?: string } {
  const m = SOCKET.exec(link)
  if (m) {
    return { kind: 'socket', inode: m[1] }
  }
  if (link.startsWith('pipe:')) {
    return { kind: 'pipe', pipe: PIPE.exec(link)?.[1] }
  }
  if (link === '/dev/null') {
    return { kind: 'null' }
  }
  if (/^\/dev\/(?:pts\/\d+|tty\w*|console)$/.test(link)) {
    return { kind: 'tty' }
  }
  return link.startsWith('/') ? { kind: 'file' } : { kind: 'other' }
}

/**
 * Maps processes' descriptors to TCP connections (/proc/PID/fd and the TCP tables of the
 * process's network namespace). Only the processes asked about are walked, and a TCP
 * table is read only when an unresolved socket inode needs it; inodes found not to be TCP
 * (journald's stream sockets, D-Bus) are remembered and never looked up again.
 */
export class SocketInspector {
  /**
   * Inodes not found in the TCP tables, and the tick they were looked up. Looked up again
   * after TCP_CACHE_TICKS: a socket created but not yet connected is in no table, and a
   * process that connects later (a reverse shell that waits) must not stay hidden.
   */
  private notTcp = new Map<string, number>()
  /** TCP inodes seen recently: a connected socket keeps its endpoints, so tables are not re-read for it every tick. */
  private tcpCache = new Map<string, { readonly socket: TcpSocket; readonly tick: number }>()
  private tick = 0
  private sweepCursor = 0

  constructor(
    private readonly procfs: string,
    private readonly files: ProcFiles,
  ) {}

  inspect(table: ProcessTable, request: InspectRequest): Map<number, ProcessSockets> {
    const tick = ++this.tick
    const tables = new Map<string, Map<string, TcpSocket>>()
    const tcpTable = (pid: number): Map<string, TcpSocket> => {
      const netns = table.processes.get(pid)?.identity.netns ?? 'unknown'
      let t = tables.get(netns)
      if (!t) {
        t = this.readTables(pid)
        tables.set(netns, t)
      }
      return t
    }
    const resolve = (pid: number, inode: string): TcpSocket | undefined => {
      const missed = this.notTcp.get(inode)
      if (missed !== undefined && tick - missed < TCP_CACHE_TICKS) {
        return undefined
      }
      const cached = this.tcpCache.get(inode)
      if (cached && tick - cached.tick < TCP_CACHE_TICKS) {
        return cached.socket
      }
      const s = tcpTable(pid).get(inode)
      if (s) {
        this.tcpCache.set(inode, { socket: s, tick })
        this.notTcp.delete(inode)
      } else {
        if (this.notTcp.size > NOT_TCP_CACHE_LIMIT) {
          const recent = [...this.notTcp].filter(([, at]) => tick - at < TCP_CACHE_TICKS)
          this.notTcp = new Map(recent.length > NOT_TCP_CACHE_LIMIT / 2 ? [] : recent)
        }
        this.notTcp.set(inode, tick)
      }
      return s
    }
    const out = new Map<number, ProcessSockets>()
    let children: Map<number, number[]> | undefined
    const siblingsOf = (pid: number): number[] => {
      if (!children) {
        children = new Map()
        for (const q of table.processes.values()) {
          if (!q.kernelThread) {
            const list = children.get(q.ppid)
            if (list) {
              list.push(q.pid)
            } else {
              children.set(q.ppid, [q.pid])
            }
          }
        }
      }
      const ppid = table.processes.get(pid)?.ppid
      return (ppid === undefined ? [] : (children.get(ppid) ?? [])).filter((q) => q !== pid)
    }
    for (const pid of request.stdio) {
      const fd = (n: number): FdTarget | undefined => {
        const link = this.link(pid, String(n))
        if (link === undefined) {
          return undefined
        }
        const c = classify(link)
        if (c.inode === undefined) {
          return c.pipe === undefined ? { kind: c.kind } : { kind: c.kind, pipe: c.pipe }
        }
        const socket = resolve(pid, c.inode)
        return socket ? { kind: 'tcp', socket } : { kind: 'socket' }
      }
      const stdin = fd(0)
      const wanted = stdin?.pipe !== undefined && (request.pipeWriterFor?.(pid) ?? true)
      const stdinWriter = wanted ? this.pipeWriter(siblingsOf(pid), stdin.pipe as string, resolve) : undefined
      out.set(pid, { stdio: { stdin, stdout: fd(1), stderr: fd(2) }, ...(stdinWriter ? { stdinWriter } : {}) })
    }
    for (const pid of request.walk) {
      const tcp = this.walk(pid, resolve)
      out.set(pid, { ...out.get(pid), tcp })
    }
    if (request.sweep) {
      this.sweep(table, request.sweep, tcpTable, resolve, out)
    }
    if (this.tcpCache.size > NOT_TCP_CACHE_LIMIT) {
      this.tcpCache = new Map([...this.tcpCache].filter(([, v]) => tick - v.tick < TCP_CACHE_TICKS))
    }
    return out
  }

  /**
   * The sibling (same parent) whose stdout is the pipe `inode`, with its TCP sockets: what
   * `curl -s http://host/s.sh | sh` looks like from the shell's side.
   */
  private pipeWriter(siblings: readonly number[], inode: string, resolve: (pid: number, inode: string) => TcpSocket | undefined): PipeWriter | undefined {
    for (const q of siblings.slice(0, PIPE_SIBLINGS_LIMIT)) {
      if (this.link(q, '1') === `pipe:[${inode}]`) {
        return { pid: q, tcp: this.walk(q, resolve) }
      }
    }
    return undefined
  }

  private link(pid: number, fd: string): string | undefined {
    try {
      return this.files.readlink(join(this.procfs, String(pid), 'fd', fd))
    } catch {
      return undefined
    }
  }

  private walk(pid: number, resolve: (pid: number, inode: string) => TcpSocket | undefined): TcpSocket[] {
    let fds: string[]
    try {
      fds = this.files.readdir(join(this.procfs, String(pid), 'fd'))
    } catch {
      return []
    }
    const tcp: TcpSocket[] = []
    for (const fd of fds) {
      const link = this.link(pid, fd)
      const inode = link === undefined ? undefined : SOCKET.exec(link)?.[1]
      const socket = inode === undefined ? undefined : resolve(pid, inode)
      if (socket) {
        tcp.push(socket)
      }
    }
    return tcp
  }

  /** Reads one namespace's tcp and tcp6 tables through a process in it (or /proc/net). */
  private readTables(pid: number): Map<string, TcpSocket> {
    const byInode = new Map<string, TcpSocket>()
    for (const name of ['tcp', 'tcp6']) {
      let text: string | undefined
      for (const path of [join(this.procfs, String(pid), 'net', name), join(this.procfs, 'net', name)]) {
        try {
          text = this.files.read(path)
          break
        } catch {
          // no per-process view (fixture trees, exited process): try the reader's namespace
        }
      }
      for (const s of text === undefined ? [] : safeParse(text)) {
        byInode.set(s.inode, s)
      }
    }
    return byInode
  }

  private sweep(
    table: ProcessTable,
    interesting: (port: number) => boolean,
    tcpTable: (pid: number) => Map<string, TcpSocket>,
    resolve: (pid: number, inode: string) => TcpSocket | undefined,
    out: Map<number, ProcessSockets>,
  ): void {
    const byNetns = new Map<string, number[]>()
    for (const p of table.processes.values()) {
      if (p.kernelThread) {
        continue
      }
      const ns = p.identity.netns ?? 'unknown'
      const list = byNetns.get(ns) ?? []
      list.push(p.pid)
      byNetns.set(ns, list)
    }
    let budget = SWEEP_PROCESS_LIMIT
    const all = [...byNetns.values()]
    const start = this.sweepCursor % Math.max(1, all.length)
    const chosen = [...all.slice(start), ...all.slice(0, start)].slice(0, SWEEP_NAMESPACES)
    this.sweepCursor = start + chosen.length
    for (const pids of chosen) {
      const wanted = [...tcpTable(pids[0] as number).values()].filter((s) => (s.state === 'ESTABLISHED' || s.state === 'SYN_SENT') && interesting(s.remotePort))
      if (wanted.length === 0) {
        continue
      }
      const uids = new Set(wanted.map((s) => s.uid))
      for (const pid of pids) {
        if (budget <= 0) {
          return
        }
        const p = table.processes.get(pid)
        if (!p || out.get(pid)?.tcp || (p.uid !== undefined && !uids.has(p.uid))) {
          continue
        }
        budget--
        const tcp = this.walk(pid, resolve)
        if (tcp.some((s) => wanted.includes(s))) {
          out.set(pid, { ...out.get(pid), tcp })
        }
      }
    }
  }
}

function safeParse(text: string): TcpSocket[] {
  try {
    return parseNetTcp(text)
  } catch {
    return []
  }
}
