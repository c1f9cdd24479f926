import type { Ancestor, Category, Connection, ProcessFacts, StdioFd } from '../../../src/detectors/threats/types.ts'

/** One corpus case: a process as the detector would see it, and what it is. */
export interface Scenario {
  readonly name: string
  readonly expect: Category | 'benign'
  readonly process: ProcessFacts
}

export interface ProcessOptions {
  readonly comm?: string
  readonly exe?: string
  readonly deleted?: boolean
  readonly uid?: number
  readonly euid?: number
  readonly user?: string
  readonly cwd?: string
  readonly container?: boolean
  /** Parent first: comm names or full ancestors. */
  readonly parents?: readonly (string | Ancestor)[]
  readonly stdio?: ProcessFacts['stdio']
  readonly connections?: readonly Connection[]
  /** Lifetime average CPU cores and age in seconds. */
  readonly cpu?: { readonly cores: number; readonly ageSeconds: number }
  readonly kernelThread?: boolean
  /** The sibling writing into stdin (a pipeline's left side). */
  readonly stdinFrom?: ProcessFacts['stdinFrom']
}

/** Splits a command the way a shell would for simple quoting: 'single', "double", and words. */
export function splitCommand(cmd: string): string[] {
  const out: string[] = []
  let cur = ''
  let quote: string | undefined
  let inWord = false
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i] as string
    if (quote) {
      if (ch === quote) {
        quote = undefined
      } else if (ch === '\\' && quote === '"' && (cmd[i + 1] === '"' || cmd[i + 1] === '\\')) {
        cur += cmd[++i]
      } else {
        cur += ch
      }
    } else if (ch === "'" || ch === '"') {
      quote = ch
      inWord = true
    } else if (/\s/.test(ch)) {
      if (inWord) {
        out.push(cur)
        cur = ''
        inWord = false
      }
    } else {
      cur += ch
      inWord = true
    }
  }
  if (inWord) {
    out.push(cur)
  }
  return out
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** A process record with sensible defaults: root, on the host, below systemd, no sockets inspected. */
export function proc(cmd: string | readonly string[], o: ProcessOptions = {}): ProcessFacts {
  const argv = typeof cmd === 'string' ? splitCommand(cmd) : [...cmd]
  const argv0 = (argv[0] ?? '').split(' ')[0] as string
  const base = basename(argv0).replace(/^-/, '')
  const exe = o.exe ?? (argv0.startsWith('/') ? argv0 : `/usr/bin/${base}`)
  const uid = o.uid ?? 0
  return {
    pid: 4242,
    ppid: 4241,
    comm: (o.comm ?? base).slice(0, 15),
    exe,
    exeDeleted: o.deleted ?? false,
    argv,
    uid,
    euid: o.euid ?? uid,
    user: o.user ?? (uid === 0 ? 'root' : `user${uid}`),
    cwd: o.cwd,
    container: o.container ?? false,
    kernelThread: o.kernelThread ?? false,
    ageSeconds: o.cpu?.ageSeconds ?? 600,
    cpuSeconds: o.cpu ? o.cpu.cores * o.cpu.ageSeconds : 1,
    cpuCores: o.cpu?.cores ?? 0,
    ancestors: (o.parents ?? ['systemd']).map((a) => (typeof a === 'string' ? { comm: a } : a)),
    stdio: o.stdio,
    connections: o.connections,
    stdinFrom: o.stdinFrom,
  }
}

export function tcp(remoteAddress: string, remotePort: number, state = 'ESTABLISHED'): Connection {
  return { remoteAddress, remotePort, localPort: 40000 + (remotePort % 1000), state }
}

export function tcpStdio(remoteAddress: string, remotePort: number): ProcessFacts['stdio'] {
  const fd: StdioFd = { kind: 'tcp', connection: tcp(remoteAddress, remotePort) }
  return { stdin: fd, stdout: fd, stderr: fd }
}

export const TTY: ProcessFacts['stdio'] = { stdin: { kind: 'tty' }, stdout: { kind: 'tty' }, stderr: { kind: 'tty' } }

/** stdin a pipe from `writer` (argv), which holds TCP connections; stdout and stderr to a file. */
export function pipedFrom(writer: string, connections: readonly Connection[]): Pick<ProcessOptions, 'stdio' | 'stdinFrom'> {
  const argv = splitCommand(writer)
  const comm = (argv[0] ?? '').slice((argv[0] ?? '').lastIndexOf('/') + 1)
  return { stdio: { stdin: { kind: 'pipe' }, stdout: { kind: 'file' }, stderr: { kind: 'file' } }, stdinFrom: { comm, argv, connections } }
}

/** `sh -c <script>` as a shell process. */
export function shc(script: string, o: ProcessOptions = {}): ProcessFacts {
  return proc(['/bin/sh', '-c', script], o)
}

export function bashc(script: string, o: ProcessOptions = {}): ProcessFacts {
  return proc(['/bin/bash', '-c', script], o)
}

export const scenario = (expect: Scenario['expect'], name: string, process: ProcessFacts): Scenario => ({ name, expect, process })
