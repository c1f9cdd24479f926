/** Finding categories, as label values (the seven of the ODIN design plus defense_evasion). */
export const CATEGORIES = [
  'crypto_miners',
  'reverse_shells',
  'privilege_escalation',
  'suspicious_network',
  'data_exfiltration',
  'system_modification',
  'persistence_mechanisms',
  'defense_evasion',
] as const
export type Category = (typeof CATEGORIES)[number]

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const
export type Severity = (typeof SEVERITIES)[number]

/** A TCP connection owned by the process, from /proc/PID/fd and /proc/PID/net/tcp{,6}. */
export interface Connection {
  readonly remoteAddress: string
  readonly remotePort: number
  readonly localPort: number
  readonly state: string
}

/** What one of fds 0-2 refers to. `tcp` carries the connection. */
export interface StdioFd {
  readonly kind: 'tcp' | 'socket' | 'pipe' | 'tty' | 'null' | 'file' | 'other'
  readonly connection?: Connection
}

export interface Ancestor {
  readonly pid?: number
  readonly comm: string
  readonly exe?: string
  readonly argv?: readonly string[]
}

/**
 * Everything the rules may look at for one process. The live collector builds it from
 * /proc; the corpus test writes it by hand. Optional fields are unknown, not empty.
 */
export interface ProcessFacts {
  readonly pid: number
  readonly ppid: number
  readonly comm: string
  readonly exe?: string
  readonly exeDeleted: boolean
  /** Raw argv: rules see secrets, outputs never do (see src/security/redact.ts). */
  readonly argv: readonly string[]
  readonly uid?: number
  readonly euid?: number
  readonly user?: string
  readonly cwd?: string
  readonly container: boolean
  readonly kernelThread: boolean
  readonly ageSeconds?: number
  /** CPU cores used over the last sampling interval. */
  readonly cpuCores?: number
  /** CPU seconds used since the process started. */
  readonly cpuSeconds?: number
  /** Parent first, then grandparent, and so on. */
  readonly ancestors: readonly Ancestor[]
  readonly stdio?: { readonly stdin?: StdioFd; readonly stdout?: StdioFd; readonly stderr?: StdioFd }
  /** The process writing into this one's stdin pipe (a sibling in a pipeline), when known. */
  readonly stdinFrom?: { readonly comm: string; readonly argv: readonly string[]; readonly connections: readonly Connection[] }
  /** TCP connections; undefined when this process's sockets were not inspected. */
  readonly connections?: readonly Connection[]
}

/** Derived views of the command, computed once per process. */
export interface CommandView {
  /** argv joined by spaces. */
  readonly line: string
  /** basename of argv[0] (login shells' leading `-` removed), lower case. */
  readonly prog: string
  readonly comm: string
  readonly exeBase: string
}

export interface Finding {
  readonly rule: string
  readonly category: Category
  readonly severity: Severity
  readonly description: string
  /** Evidence for the log line (a port, a path); never a raw command line. */
  readonly detail?: string
}

export interface Rule {
  readonly id: string
  readonly category: Category
  readonly severity: Severity
  readonly description: string
  /**
   * `static` rules read only what the process is (comm, exe, argv, cwd, container), so
   * their result holds until the process execs; `dynamic` ones read ancestry, sockets,
   * users and CPU and run every tick.
   */
  readonly scope: 'static' | 'dynamic'
  /**
   * Ancestors (comm) under which the rule is expected activity and stays silent, such as
   * package managers setting setuid bits in maintainer scripts.
   */
  readonly exemptUnder?: RegExp
  /** True or a detail string when the rule fires. */
  readonly test: (p: ProcessFacts, c: CommandView) => boolean | string
}
