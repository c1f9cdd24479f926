import type { Category, CommandView, ProcessFacts, Rule, Severity } from './types.ts'
import { basename } from './lists.ts'

/** A boolean tree of regular expressions over the command line. */
export type Clause = RegExp | { readonly all: readonly Clause[] } | { readonly any: readonly Clause[] } | { readonly not: Clause }

export function holds(clause: Clause, line: string): boolean {
  if (clause instanceof RegExp) {
    clause.lastIndex = 0
    return clause.test(line)
  }
  if ('all' in clause) {
    return clause.all.every((c) => holds(c, line))
  }
  if ('any' in clause) {
    return clause.any.some((c) => holds(c, line))
  }
  return !holds(clause.not, line)
}

export interface PatternSpec {
  readonly id: string
  readonly category: Category
  readonly severity: Severity
  readonly description: string
  /** Matched against argv joined by spaces (shell scripts passed to `sh -c` included). */
  readonly when: Clause
  /** Only for processes whose program (argv[0] basename or comm) is one of these. */
  readonly programs?: readonly string[]
  /** Only inside containers. */
  readonly containerOnly?: boolean
  readonly exemptUnder?: RegExp
}

/**
 * Package managers and configuration management: their scripts set modes, write units,
 * cron files, sudoers drop-ins and keys as a matter of course.
 */
export const PACKAGE_MANAGERS =
  /^(?:dpkg|apt|apt-get|aptitude|unattended-upgr|rpm|yum|dnf|zypper|apk|pacman|snapd|packagekitd|dkms|yast2|microdnf|tdnf|cloud-init|puppet|chef-client|salt-minion|salt-call|cfn-init|google_guest_ag|waagent)$/

/** Kubernetes and container network agents that own iptables chains. */
export const NETWORK_AGENTS =
  /^(?:kube-proxy|calico-node|calico|cilium-agent|flanneld|kube-router|weaver|weave-npc|antrea-agent|dockerd|containerd|kubelet|k3s|k3s-server|k3s-agent|rke2|firewalld|ufw|kube-vip|ovs-vswitchd)$/

/** A command-line rule from a table row: static, evaluated once per exec. */
export function pattern(spec: PatternSpec): Rule {
  const programs = spec.programs ? new Set(spec.programs) : undefined
  return {
    id: spec.id,
    category: spec.category,
    severity: spec.severity,
    description: spec.description,
    scope: 'static',
    exemptUnder: spec.exemptUnder,
    test: (p, c) => (!programs || programs.has(c.prog) || programs.has(c.comm)) && (!spec.containerOnly || p.container) && holds(spec.when, c.line),
  }
}

export function commandView(p: ProcessFacts): CommandView {
  const argv0 = p.argv[0] ?? ''
  return {
    line: p.argv.join(' '),
    prog: basename(argv0.split(' ')[0] ?? '')
      .replace(/^-/, '')
      .toLowerCase(),
    comm: p.comm.toLowerCase(),
    exeBase: basename(p.exe ?? '').toLowerCase(),
  }
}

/** Start of a command inside a command line: line start, after ; | & ( ` $( or -c, or after a wrapper. */
export const AT_COMMAND = String.raw`(?:^|[;&|(\x60]\s*|\$\(\s*|\s-c\s+['"]?|\b(?:nohup|exec|sudo|setsid|env|nice|timeout\s+\S+|chroot\s+\S+|busybox|stdbuf\s+\S+)\s+)(?:[\w./-]*\/)?`

/** A program name in command position, optionally path-prefixed (`./xmrig`, `/tmp/x/nc`). */
export function command(names: readonly string[]): RegExp {
  const alternatives = names.map((n) => n.replace(/[.+]/g, (ch) => `\\${ch}`)).join('|')
  return new RegExp(`${AT_COMMAND}(?:${alternatives})(?=$|[\\s;|&)\\x60'"])`, 'i')
}
