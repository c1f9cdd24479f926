import { pattern } from '../engine.ts'
import { HIDDEN_COMPONENT, KTHREAD_NAME, SHM_DIR, SYSTEM_NAMES, TEMP_DIR } from '../lists.ts'
import type { Rule } from '../types.ts'
import { isMemfd, isRuncMemfd } from './paths.ts'

const SH = String.raw`(?:\/usr)?(?:\/bin\/)?(?:ba|da|z|k|a)?sh`
const SHELL_RUNS_SHM = new RegExp(String.raw`(?:^|[\s;|&])${SH}\s+(?:-\w+\s+)*(?:\/dev\/shm|\/run\/shm)\/`)

export const evasionRules: readonly Rule[] = [
  {
    id: 'kernel_thread_masquerade',
    category: 'defense_evasion',
    severity: 'high',
    scope: 'static',
    description: 'A user process named like a kernel thread ([kworker/0:1] and the like)',
    test: (p) => {
      if (p.kernelThread) {
        return false
      }
      const argv0 = (p.argv[0] ?? '').trim()
      const bracketed = /^\[([^\]]+)\]$/.exec(argv0)?.[1]
      return (bracketed !== undefined && KTHREAD_NAME.test(bracketed)) || KTHREAD_NAME.test(p.comm)
    },
  },
  {
    id: 'memfd_executable',
    category: 'defense_evasion',
    severity: 'critical',
    scope: 'static',
    description: 'Executable running from memory (memfd_create), leaving no file on disk',
    test: (p) => isMemfd(p.exe) && !isRuncMemfd(p.exe),
  },
  {
    id: 'deleted_executable',
    category: 'defense_evasion',
    severity: 'high',
    scope: 'static',
    description: 'Executable deleted from a temp or hidden directory after it started',
    test: (p) => (p.exeDeleted && p.exe !== undefined && !isMemfd(p.exe) && (TEMP_DIR.test(p.exe) || HIDDEN_COMPONENT.test(p.exe)) ? p.exe : false),
  },
  {
    id: 'exec_from_dev_shm',
    category: 'defense_evasion',
    severity: 'high',
    scope: 'static',
    description: 'Program or script executed from /dev/shm (or anywhere under /dev)',
    test: (p) =>
      (p.exe !== undefined && (SHM_DIR.test(p.exe) || /^\/dev\/(?!null$)/.test(p.exe))) ||
      (p.cwd !== undefined && SHM_DIR.test(p.cwd) && (p.argv[0] ?? '').startsWith('./')) ||
      SHELL_RUNS_SHM.test(p.argv.join(' ')) ||
      /^(?:\/dev\/shm|\/run\/shm)\//.test(p.argv[1] ?? ''),
  },
  {
    id: 'hidden_temp_executable',
    category: 'defense_evasion',
    severity: 'high',
    scope: 'static',
    description: 'Executable inside a hidden directory under a temp dir (/tmp/.x/...)',
    test: (p) => (p.exe !== undefined && TEMP_DIR.test(p.exe) && HIDDEN_COMPONENT.test(p.exe) ? p.exe : false),
  },
  {
    id: 'system_name_untrusted_path',
    category: 'defense_evasion',
    severity: 'high',
    scope: 'static',
    description: 'A system program name (sshd, kubelet, bash...) running from a temp or hidden path',
    test: (p, c) => {
      if (p.exe === undefined || !(TEMP_DIR.test(p.exe) || (HIDDEN_COMPONENT.test(p.exe) && !/^\/(?:home|root)\//.test(p.exe)))) {
        return false
      }
      return SYSTEM_NAMES.has(c.comm) || SYSTEM_NAMES.has(c.exeBase) ? p.exe : false
    },
  },
  pattern({
    id: 'argv0_spoofing',
    category: 'defense_evasion',
    severity: 'high',
    description: 'Program started under a fake name (exec -a) mimicking a kernel thread or daemon',
    when: /\bexec\s+-a\s+['"]?\[?(?:kworker|ksoftirqd|kthreadd|migration|rcu_\w+|watchdog|kswapd\d?|systemd\S*|sshd|crond?|init|dbus-daemon|rsyslogd|kdevtmpfs)\b/,
  }),
  pattern({
    id: 'ld_preload_untrusted',
    category: 'defense_evasion',
    severity: 'high',
    description: 'LD_PRELOAD of a library from a temp or hidden path',
    when: /\bLD_PRELOAD=['"]?\S*(?:\/tmp\/|\/var\/tmp\/|\/dev\/shm\/|\/\.[^/\s]+\/)/,
  }),
  pattern({
    id: 'obfuscated_execution',
    category: 'defense_evasion',
    severity: 'high',
    description: 'Encoded payload decoded straight into a shell or interpreter',
    when: {
      any: [
        new RegExp(String.raw`\b(?:base64|base32|openssl\s+(?:base64|enc))\s+[^|;&]*(?:-d\b|--decode\b|-D\b)[^;&]*\|\s*(?:sudo\s+)?(?:${SH}|python[\d.]*|perl|ruby|php)\b`),
        /\beval\s+["']?\$\([^)]*(?:base64|base32)\s+(?:-d|--decode)/,
        /\bpython[\d.]*\b[^|]*\bexec\s*\(\s*(?:base64\.b64decode|__import__\(\s*['"]base64['"]\s*\)|codecs\.decode|zlib\.decompress|bytes\.fromhex)/,
        /\bperl\b[^|;]*MIME::Base64[^|;]*\beval\b/,
        new RegExp(String.raw`\bxxd\s+-r\s+(?:-p\s+)?[^;&]*\|\s*(?:${SH})\b`),
        new RegExp(String.raw`\bprintf\s+['"](?:\\x[0-9a-fA-F]{2}){8,}['"]\s*\|\s*${SH}\b`),
        new RegExp(String.raw`\brev\s*\|\s*${SH}\b|\|\s*rev\s*\|\s*(?:base64\s+-d\s*\|\s*)?${SH}\b`),
      ],
    },
  }),
  pattern({
    id: 'history_tampering',
    category: 'defense_evasion',
    severity: 'medium',
    description: 'Shell history cleared or switched off',
    when: /\bhistory\s+-c\b|\bunset\s+HISTFILE\b|HISTFILE=\/dev\/null|\bexport\s+HISTSIZE=0\b|HISTFILESIZE=0\b|\bset\s+\+o\s+history\b|(?:\brm\b|\bshred\b|\btruncate\b|\bln\s+-sf?\s+\/dev\/null|>\s*|cat\s+\/dev\/null\s*>\s*)[^;|&]*\.(?:bash|zsh|sh|mysql|psql|python|node_repl)_history\b/,
  }),
  pattern({
    id: 'log_tampering',
    category: 'defense_evasion',
    severity: 'high',
    description: 'Login, audit or system logs erased',
    when: {
      any: [
        /(?:\brm\s+(?:-\w+\s+)*|\bshred\s+(?:-\w+\s+)*|\btruncate\s+-s\s*0\s+|>\s*|\bcat\s+\/dev\/null\s*>\s*|\bcp\s+\/dev\/null\s+)\S*\/var\/log\/(?:wtmp|btmp|lastlog|auth\.log|secure|audit\/audit\.log|audit\/\*|syslog|messages|kern\.log|faillog)\b/,
        /\brm\s+(?:-\w+\s+)*-\w*r\w*\s+\/var\/log\/?(?:\*|\s|$)/,
        /\bjournalctl\s+(?:--rotate\s+)?--vacuum-(?:time=\d+s|size=\d+[kK]?)\b/,
        { all: [/\bfind\s+\/var\/log\b[^;|&]*(?:-exec\s+(?:shred|rm|truncate)\b|-delete\b)/, { not: /\bfind\s+\/var\/log\b[^;|&]*\s-(?:mtime|mmin|ctime|newer|size)\b/ }] },
      ],
    },
  }),
  pattern({
    id: 'timestomp',
    category: 'defense_evasion',
    severity: 'medium',
    description: 'File times forged on system files or hidden payloads',
    when: /\btouch\s+(?:-\w+\s+)*(?:-r\s*\S+|--reference[=\s]\S+|-[dt]\s*(?:'[^']*'|"[^"]*"|\S+)|--date[=\s]\S+)\s+\S*(?:\/(?:usr\/)?s?bin\/|\/(?:usr\/)?lib(?:64)?\/|\/(?:tmp|var\/tmp|dev\/shm)\/\.)/,
  }),
  pattern({
    id: 'process_hiding_mount',
    category: 'defense_evasion',
    severity: 'critical',
    description: 'Bind mount over /proc/PID to hide a process',
    when: /\bmount\s+(?:-\w+\s+)*(?:-o\s+bind|--bind|-B|--rbind)\b[^;|&]*\s\/proc\/\d+/,
  }),
]
