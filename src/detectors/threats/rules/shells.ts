import { pattern } from '../engine.ts'
import { INTERPRETERS, SERVICES, SHELLS } from '../lists.ts'
import type { Ancestor, CommandView, ProcessFacts, Rule, StdioFd } from '../types.ts'

const SH = String.raw`(?:\/usr)?(?:\/bin\/)?(?:ba|da|z|k|a|tc|c|mk)?sh`
const TO_SHELL = new RegExp(String.raw`\|\s*(?:sudo\s+)?${SH}\b`)
const WEB_USERS = new Set(['www-data', 'nginx', 'apache', 'httpd', 'nobody', 'http', 'wwwrun', 'tomcat', 'lighttpd'])
const DEV_NET = /\/dev\/(?:tcp|udp)\/[^\s/]+\/\d+/

/** A shell or interpreter in the process's own program or comm. */
export function isShellLike(c: CommandView): boolean {
  return SHELLS.has(c.prog) || SHELLS.has(c.comm) || INTERPRETERS.test(c.prog) || INTERPRETERS.test(c.comm)
}

function isShell(c: CommandView): boolean {
  return SHELLS.has(c.prog) || SHELLS.has(c.comm)
}

function onTcp(fd: StdioFd | undefined): boolean {
  return fd?.kind === 'tcp' && fd.connection !== undefined && fd.connection.state !== 'LISTEN'
}

/** The nearest service among the first three ancestors, skipping shells in between. */
function serviceAncestor(p: ProcessFacts): Ancestor | undefined {
  for (const a of p.ancestors.slice(0, 3)) {
    const comm = a.comm.toLowerCase()
    if (SERVICES.has(comm) || /^php-fpm/.test(comm) || /^httpd/.test(comm)) {
      return a
    }
  }
  return undefined
}

/** What a remote attacker runs first in a fresh shell, and how payloads arrive. */
const HANDS_ON =
  /(?:^|[\s;|&(])(?:id|whoami|uname\s+-a|hostname|w|who|ifconfig|ip\s+a(?:ddr)?|netstat|ss\s+-\w+|ps\s+aux?|cat\s+\/etc\/(?:passwd|shadow|hosts)|wget|curl|nc|ncat|netcat|socat|python[\d.]*\s+-c|perl\s+-e|base64\s+-d|chmod\s+\+x|\/dev\/tcp|busybox|tftp|ftp)(?=$|[\s;|&)])/

export const shellRules: readonly Rule[] = [
  {
    id: 'shell_stdio_socket',
    category: 'reverse_shells',
    severity: 'critical',
    scope: 'dynamic',
    description: 'A shell or interpreter whose stdin or stdout is a TCP connection',
    test: (p, c) => {
      if (!isShellLike(c) || !p.stdio) {
        return false
      }
      const fd = onTcp(p.stdio.stdin) ? p.stdio.stdin : onTcp(p.stdio.stdout) ? p.stdio.stdout : undefined
      return fd?.connection ? `remote ${fd.connection.remoteAddress}:${fd.connection.remotePort}` : false
    },
  },
  pattern({
    id: 'dev_tcp_shell',
    category: 'reverse_shells',
    severity: 'critical',
    description: 'Shell redirected to /dev/tcp or /dev/udp (bash reverse shell)',
    when: {
      all: [
        DEV_NET,
        {
          any: [
            new RegExp(String.raw`(?:^|[\s;&|(])${SH}\s+-i\b`),
            /\d?>&\s*\/dev\/(?:tcp|udp)/,
            /&>\s*\/dev\/(?:tcp|udp)/,
            /0>&[12]\b/,
            /0<&\s*\d+/,
            /<&\s*\d+\s*>&\s*\d+/,
            /\b2>&\s*\d+\s*>&\s*\d+|>&\s*\d+\s+2>&\s*\d+/,
            /\bwhile\s+read\b[^;]*;\s*do\b/,
            TO_SHELL,
            new RegExp(String.raw`${SH}\s*<&\s*\d+`),
          ],
        },
      ],
    },
  }),
  pattern({
    id: 'netcat_exec',
    category: 'reverse_shells',
    severity: 'critical',
    description: 'netcat/ncat/socat handing a shell to a network peer',
    when: {
      any: [
        /(?:^|[\s;|&(/'"])(?:nc|ncat|netcat|nc\.traditional|nc\.openbsd)(?=\s)[^;|&]*?(?:\s-[a-z]*e\s*\S|\s-c\s+\S|\s--exec\b|\s--sh-exec\b|\s--lua-exec\b)/i,
        /(?:^|[\s;|&(/])socat\s[^;|&]*(?:exec|system):/i,
        /(?:^|[\s;|&(/])(?:nc|ncat|netcat)\s+\S+\s+\d+\s*(?:<|\|)[^;&]*\|\s*(?:\/bin\/)?(?:ba|da)?sh\b/,
        new RegExp(String.raw`(?:^|[\s;|&(/])(?:nc|ncat|netcat)\s[^;&]*${TO_SHELL.source}`),
      ],
    },
  }),
  pattern({
    id: 'fifo_shell_relay',
    category: 'reverse_shells',
    severity: 'critical',
    description: 'Named pipe relaying a shell through a network tool',
    when: { all: [/\b(?:mkfifo|mknod\s+\S+\s+p)\b/, new RegExp(String.raw`(?:^|[\s;|&(])${SH}\b`), /\b(?:nc|ncat|netcat|telnet|openssl|socat)\b/] },
  }),
  pattern({
    id: 'network_client_shell',
    category: 'reverse_shells',
    severity: 'critical',
    description: 'telnet or openssl s_client piped through a shell',
    when: {
      any: [
        new RegExp(String.raw`\btelnet\s+\S+\s+\d+\s*${TO_SHELL.source}`),
        { all: [/\bopenssl\s+s_client\b/, { any: [TO_SHELL, new RegExp(String.raw`${SH}\s+-i\b`)] }] },
        /\bxterm\b[^;|&]*-display\s+\d{1,3}(?:\.\d{1,3}){3}:\d/,
      ],
    },
  }),
  pattern({
    id: 'scripted_reverse_shell',
    category: 'reverse_shells',
    severity: 'critical',
    description: 'Interpreter one-liner connecting a socket to a shell',
    when: {
      any: [
        { all: [/\bpython[\d.]*\b/, /\bsocket\b/, /\.connect\b|create_connection/, /dup2|pty\.spawn|subprocess|\/bin\/(?:ba|z|da)?sh|os\.system|os\.exec|os\.popen/] },
        { all: [/\bperl\b/, /Socket|IO::Socket/, /\bexec\b|\bsystem\b|\/bin\/(?:ba)?sh|open\s*\(\s*STD(?:IN|OUT)/] },
        { all: [/\bruby\b/, /-rsocket|TCPSocket/, /\bexec\b|\bspawn\b|\bsystem\b|IO\.popen|\/bin\/(?:ba)?sh/] },
        { all: [/\bphp[\d.]*\b/, /fsockopen|stream_socket_client|socket_create/, /exec|shell_exec|system|passthru|proc_open|popen|\/bin\/(?:ba)?sh/] },
        { all: [/\blua[\d.]*\b|\bluajit\b/, /socket/, /os\.execute|io\.popen/] },
        { all: [/\bnode(?:js)?\b/, /net\.Socket|require\(\s*['"]net['"]\s*\)|net\.connect|createConnection/, /child_process|\bspawn\b|\bexec\b/] },
        /\b[gmn]?awk\b[^|]*\/inet\/(?:tcp|udp)\//,
        { all: [/zmodload\s+zsh\/net\/tcp/, /\bztcp\b/] },
        { all: [/net\.Dial\(/, /exec\.Command\(/] },
        { all: [/\bjrunscript\b|\bjjs\b|\bgroovy\b/, /Socket/, /exec|ProcessBuilder/] },
      ],
    },
  }),
  pattern({
    id: 'shell_tty_upgrade',
    category: 'reverse_shells',
    severity: 'high',
    description: 'A shell given a pseudo-terminal the way reverse-shell operators upgrade it',
    when: {
      any: [
        /pty\.spawn\(\s*['"](?:\/bin\/)?(?:ba|z|da)?sh['"]/,
        /(?:^|[\s;|&])script\s+(?:-\w+\s+)*(?:-c\s*)?['"]?(?:\/bin\/)?(?:ba|z)?sh['"]?\s+\/dev\/null/,
        /\bsocat\b[^;|&]*\bpty\b[^;|&]*\b(?:tcp|openssl|ssl)[-:\d]/i,
      ],
    },
  }),
  {
    id: 'service_account_shell',
    category: 'reverse_shells',
    severity: 'high',
    scope: 'dynamic',
    description: 'An interactive shell run by a web-server account (www-data, nginx, apache, nobody)',
    test: (p, c) => {
      const webUser = (p.user !== undefined && WEB_USERS.has(p.user)) || p.uid === 33 || p.uid === 65534
      const args = p.argv.slice(1)
      const interactive = args.some((a) => /^-\w*i\w*$/.test(a)) || (args.length === 0 && p.stdio?.stdin?.kind !== 'pipe' && p.stdio?.stdin?.kind !== 'null')
      return webUser && isShell(c) && interactive ? `user ${p.user ?? p.uid}` : false
    },
  },
  {
    id: 'service_spawned_shell',
    category: 'reverse_shells',
    severity: 'high',
    scope: 'dynamic',
    description: 'An interactive shell or hands-on command below a web, application or database server',
    test: (p, c) => {
      const service = serviceAncestor(p)
      if (!service || /healthcheck|health-check/.test(c.line)) {
        return false
      }
      const args = p.argv.slice(1)
      const shell = isShell(c)
      const interactive = shell && (args.length === 0 || args.some((a) => /^-\w*i\w*$/.test(a)) || args.every((a) => a.startsWith('-') && !a.includes('c')))
      const handsOn = HANDS_ON.test(shell ? args.join(' ') : c.line) && (shell || p.ancestors[0] === service)
      return interactive || handsOn ? `below ${service.comm}` : false
    },
  },
]
