import { NETWORK_AGENTS, PACKAGE_MANAGERS, pattern } from '../engine.ts'
import type { Rule } from '../types.ts'

/** Writing to a path: redirection, tee, cp/mv/install/ln, sed -i, curl -o, wget -O. */
function writes(path: string): RegExp {
  return new RegExp(
    String.raw`(?:>>?\s*['"]?|\btee\s+(?:-a\s+)?['"]?|\bsed\s+(?:-\w+\s+)*-i\S*\s+(?:-e\s+)?(?:'[^']*'|"[^"]*"|\S+)\s+|\b(?:cp|mv|install|ln|rsync)\s+(?:-\S+\s+)*\S+\s+['"]?|\bcurl\b[^;|&]*\s-o\s*['"]?|\bwget\b[^;|&]*\s-O\s*['"]?|\bdd\b[^;|&]*of=)${path}`,
  )
}

const STOP = String.raw`(?:stop|disable|mask|kill)\s+(?:--now\s+)?`
const SECURITY_SERVICES = String.raw`(?:auditd|falco[\w-]*|osqueryd?|wazuh-agent|ossec\w*|crowdstrike|falcon-sensor|sysdig\w*|tetragon|aide|clamav-daemon|clamd|sentinelone|sentinel\w*|cbagentd|cbdaemon|qualys-cloud-agent|rapid7\w*|ir_agent|elastic-agent|auditbeat|apparmor|selinux|fail2ban|tripwire)`
const FIREWALLS = String.raw`(?:firewalld|ufw|iptables|ip6tables|nftables|netfilter-persistent)`
/** A payload named on the command line, wherever it lives. */
const PAYLOAD_NOT_TEMP = /\b(?:curl|wget|nc|ncat|netcat|socat|telnet)\b|python[\d.]*\s+-c|perl\s+-e|base64\s+-d|\/dev\/(?:tcp|udp)\/|\b(?:ba)?sh\s+-i\b|\bxmrig\b|stratum\+/
/** What a backdoor persists: a download, a network shell, a payload in a temp dir. */
const PAYLOAD =
  /\b(?:curl|wget|nc|ncat|netcat|socat|telnet)\b|python[\d.]*\s+-c|perl\s+-e|base64\s+-d|\/dev\/(?:tcp|udp)\/|(?:\/tmp|\/var\/tmp|\/dev\/shm)\/|\bsh\s+-i\b|\bbash\s+-i\b|\bnohup\b|LD_PRELOAD|\bxmrig\b|stratum\+/

export const hostRules: readonly Rule[] = [
  pattern({
    id: 'firewall_disabled',
    exemptUnder: NETWORK_AGENTS,
    category: 'system_modification',
    severity: 'high',
    description: 'Host firewall flushed or stopped',
    when: {
      any: [
        /\b(?:ip6?tables(?:-legacy|-nft)?)\s+(?:-w\s*\d*\s+)?(?:-t\s+\w+\s+)?(?:-F|--flush)(?:\s*$|\s*[;&|]|\s+-)/,
        /\bufw\s+(?:--force\s+)?disable\b/,
        new RegExp(String.raw`\b(?:systemctl|service)\s+(?:${STOP}${FIREWALLS}|${FIREWALLS}\s+stop)\b`),
        /\bnft\s+flush\s+ruleset\b/,
      ],
    },
  }),
  pattern({
    id: 'security_controls_disabled',
    category: 'system_modification',
    severity: 'high',
    description: 'SELinux, AppArmor, auditing or a security agent switched off',
    when: {
      any: [
        /\bsetenforce\s+(?:0|permissive)\b/i,
        /SELINUX=(?:disabled|permissive)/,
        /\baa-teardown\b|\baa-disable\b|\bapparmor_parser\s+-R\b/,
        /\bauditctl\s+(?:-e\s*0|-D)\b/,
        new RegExp(String.raw`\b(?:systemctl|service)\s+(?:${STOP}${SECURITY_SERVICES}|${SECURITY_SERVICES}\s+(?:stop|teardown))\b`),
        new RegExp(String.raw`\b(?:pkill|killall)\s+(?:-\w+\s+)*${SECURITY_SERVICES}\b|\bkill\s+-9\s+\$\(\s*(?:pidof|pgrep)\s+(?:-f\s+)?${SECURITY_SERVICES}`),
      ],
    },
  }),
  pattern({
    id: 'kernel_hardening_disabled',
    category: 'system_modification',
    severity: 'high',
    description: 'ASLR, ptrace scope or kernel pointer hiding turned off',
    when: /kernel\.randomize_va_space\s*=\s*[01]\b|echo\s+[01]\s*>\s*\/proc\/sys\/kernel\/randomize_va_space|kernel\.yama\.ptrace_scope\s*=\s*0|echo\s+0\s*>\s*\/proc\/sys\/kernel\/yama\/ptrace_scope|kernel\.kptr_restrict\s*=\s*0|echo\s+0\s*>\s*\/proc\/sys\/kernel\/kptr_restrict/,
  }),
  pattern({
    id: 'kernel_module_untrusted',
    exemptUnder: PACKAGE_MANAGERS,
    category: 'system_modification',
    severity: 'high',
    description: 'Kernel module loaded from outside /lib/modules',
    when: /\binsmod\s+(?:-\w+\s+)*(?!\/(?:usr\/)?lib\/modules\/)\S+\.ko(?:\.xz|\.zst|\.gz)?\b|\bmodprobe\b[^;|&]*\s(?:\/tmp|\/var\/tmp|\/dev\/shm|\/home|\/root)\/\S+/,
  }),
  pattern({
    id: 'system_binary_replaced',
    exemptUnder: PACKAGE_MANAGERS,
    category: 'system_modification',
    severity: 'high',
    description: 'A system binary overwritten (from a temp dir or a download)',
    when: { all: [writes(String.raw`\/(?:usr\/)?s?bin\/[\w.+-]+(?=\s|$|['";|&])`), /(?:\/tmp|\/var\/tmp|\/dev\/shm)\/|https?:\/\/|\bcurl\b|\bwget\b/] },
  }),
  pattern({
    id: 'immutable_attribute',
    exemptUnder: PACKAGE_MANAGERS,
    category: 'system_modification',
    severity: 'high',
    description: 'Immutable or append-only attribute changed on system or persistence files',
    when: /\bchattr\s+(?:-R\s+)?[+-]\w*[ia]\w*\s+[^;|&]*(?:\/etc\/(?!resolv\.conf)|\/usr\/|\/bin\/|\/sbin\/|authorized_keys|\/var\/spool\/cron|ld\.so\.preload|\/root\/|\/boot\/)/,
  }),
  pattern({
    id: 'destructive_wipe',
    category: 'system_modification',
    severity: 'critical',
    description: 'Root file system or raw disk wiped',
    when: {
      any: [
        /\brm\s+(?:-\w+\s+)*-[a-zA-Z]*(?:rf|fr|r[a-zA-Z]*f|f[a-zA-Z]*r)[a-zA-Z]*\s+(?:--no-preserve-root\s+)?\/(?:\*)?(?:\s|$)|--no-preserve-root/,
        /\bdd\b[^;|&]*if=\/dev\/(?:zero|urandom|random)[^;|&]*of=\/dev\/(?:sd[a-z]|nvme\d+n\d+|vd[a-z]|xvd[a-z]|hd[a-z]|mmcblk\d+)\b/,
        /\bshred\b[^;|&]*\/dev\/(?:sd[a-z]|nvme\d|vd[a-z]|xvd[a-z])/,
      ],
    },
  }),
  pattern({
    id: 'mass_permission_change',
    category: 'system_modification',
    severity: 'high',
    description: 'System directories made world-writable',
    when: /\bchmod\s+(?:-\w+\s+)*(?:0?777|a\+rwx|o\+w|a\+w)\s+(?:-R\s+)?\/(?:etc|bin|sbin|usr|boot|root|lib|lib64|var)?\/?(?:\s|$)/,
  }),
  pattern({
    id: 'cron_persistence',
    exemptUnder: PACKAGE_MANAGERS,
    category: 'persistence_mechanisms',
    severity: 'high',
    description: 'Cron job planted (cron directories written, crontab fed from stdin or a temp file)',
    when: {
      any: [
        {
          all: [
            writes(String.raw`\/(?:etc\/cron(?:tab|\.d|\.hourly|\.daily|\.weekly|\.monthly)|var\/spool\/cron)`),
            { any: [/\b(?:echo|printf)\b/, PAYLOAD_NOT_TEMP, /(?:\/tmp|\/var\/tmp)\/\.|\/dev\/shm\//] },
          ],
        },
        /\b(?:echo|printf|cat)\b[^|]*\|\s*(?:sudo\s+)?crontab\s+(?:-u\s+\S+\s+)?-(?:\s|$)/,
        /\(\s*crontab\s+-l[^)]*;\s*(?:echo|printf)\b[^)]*\)\s*\|\s*crontab\b/,
        /\bcrontab\s+(?:-u\s+\S+\s+)?(?:\/tmp|\/var\/tmp|\/dev\/shm)\/\S+|\bcrontab\s+(?:-u\s+\S+\s+)?\S*\/\.[^/\s]+(?:\s|$)/,
      ],
    },
  }),
  pattern({
    id: 'systemd_persistence',
    exemptUnder: PACKAGE_MANAGERS,
    category: 'persistence_mechanisms',
    severity: 'high',
    description: 'systemd unit planted that runs a payload from a temp dir or the network',
    when: {
      any: [
        { all: [/ExecStart(?:Pre|Post)?=/, PAYLOAD, /systemd|\.service|\.timer/] },
        { all: [writes(String.raw`\S*\/(?:systemd\/system|systemd\/user|\.config\/systemd\/user)\/`), /(?:\/tmp|\/var\/tmp)\/\.|\/dev\/shm\/|https?:\/\/\d/] },
        /\bsystemctl\s+(?:--user\s+)?(?:link|enable)\s+(?:--now\s+)?(?:\/tmp|\/var\/tmp|\/dev\/shm)\//,
      ],
    },
  }),
  pattern({
    id: 'shell_profile_backdoor',
    category: 'persistence_mechanisms',
    severity: 'high',
    description: 'Shell start-up file given a command that downloads, connects out or runs a dropped payload',
    when: {
      all: [
        writes(String.raw`\S*(?:\.bashrc|\.bash_profile|\.bash_login|\.profile|\.zshrc|\.zprofile|\.zshenv|\/etc\/profile(?:\.d\/\S*)?|\/etc\/bash\.bashrc|\/etc\/environment)\b`),
        { any: [PAYLOAD, /alias\s+(?:sudo|ssh|su|ls|cd)=|PROMPT_COMMAND=/] },
      ],
    },
  }),
  pattern({
    id: 'ssh_key_implant',
    exemptUnder: PACKAGE_MANAGERS,
    category: 'persistence_mechanisms',
    severity: 'high',
    description: 'SSH public key added to authorized_keys from the command line, a download or a temp file',
    when: {
      all: [
        /authorized_keys2?\b/,
        /(?:>>?\s*['"]?|\btee\s+(?:-a\s+)?|\b(?:cp|mv|install)\s+(?:-\S+\s+)*\S+\s+)\S*authorized_keys/,
        { any: [/(?:ssh-(?:rsa|ed25519|dss)|ecdsa-sha2-\S+|sk-ssh-\S+)\s+AAAA/, /\b(?:curl|wget)\b/, /(?:\/tmp|\/var\/tmp|\/dev\/shm)\/\S+/] },
      ],
    },
  }),
  pattern({
    id: 'ld_preload_persistence',
    category: 'persistence_mechanisms',
    severity: 'critical',
    description: '/etc/ld.so.preload written (user-space rootkit)',
    when: writes(String.raw`\/etc\/ld\.so\.preload`),
  }),
  pattern({
    id: 'boot_script_persistence',
    exemptUnder: PACKAGE_MANAGERS,
    category: 'persistence_mechanisms',
    severity: 'high',
    description: 'Boot, login or autostart scripts written (rc.local, init.d, update-motd.d, XDG autostart)',
    when: writes(String.raw`\S*(?:\/etc\/rc\.local|\/etc\/rc\d?\.d\/|\/etc\/init\.d\/|\/etc\/update-motd\.d\/|\/etc\/xdg\/autostart\/|\.config\/autostart\/)`),
  }),
  pattern({
    id: 'udev_rule_persistence',
    exemptUnder: PACKAGE_MANAGERS,
    category: 'persistence_mechanisms',
    severity: 'high',
    description: 'udev rule planted that runs a program',
    when: { all: [/RUN\+=/, writes(String.raw`\S*\/(?:etc|lib|usr\/lib)\/udev\/rules\.d\/`)] },
  }),
  pattern({
    id: 'static_pod_implant',
    category: 'persistence_mechanisms',
    severity: 'high',
    description: 'Manifest copied into the kubelet static-pod directory',
    when: writes(String.raw`\/etc\/kubernetes\/manifests\/`),
  }),
  pattern({
    id: 'web_shell_dropped',
    category: 'persistence_mechanisms',
    severity: 'high',
    description: 'Server-side script with a command-execution call written into a web root',
    when: {
      all: [
        /<\?(?:php|=)?[^>]*\b(?:system|exec|passthru|shell_exec|popen|proc_open|eval|assert)\s*\(|<%[^%]*Runtime\.getRuntime\(\)\.exec/,
        /(?:>>?\s*['"]?|\btee\s+(?:-a\s+)?)\S*(?:\/var\/www|\/usr\/share\/nginx|\/srv\/www|htdocs|public_html|webapps|\/html\/)\S*/,
      ],
    },
  }),
  pattern({
    id: 'at_job_persistence',
    category: 'persistence_mechanisms',
    severity: 'medium',
    description: 'at job scheduled from a script',
    when: /\|\s*at\s+(?:now|midnight|noon|teatime|tomorrow|\d)|\bat\s+(?:-\w+\s+)*-f\s+(?:\/tmp|\/var\/tmp|\/dev\/shm)\//,
  }),
  pattern({
    id: 'ssh_config_backdoor',
    category: 'persistence_mechanisms',
    severity: 'medium',
    description: 'sshd configured to allow root or password logins from a script',
    when: { all: [/PermitRootLogin\s+yes|PermitEmptyPasswords\s+yes/, /\bsed\s+-i|\becho\b|\btee\b|>>/] },
  }),
  pattern({
    id: 'cluster_admin_backdoor',
    category: 'persistence_mechanisms',
    severity: 'high',
    description: 'cluster-admin bound to anonymous users or a default service account',
    when: /\bkubectl\b[^;|&]*create\s+(?:cluster)?rolebinding\b[^;|&]*cluster-admin[^;|&]*(?:system:anonymous|system:unauthenticated|serviceaccount[\s=](?:[\w-]+:)?default\b)/,
  }),
]
