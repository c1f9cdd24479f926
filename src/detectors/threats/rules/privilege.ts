import { PACKAGE_MANAGERS, pattern } from '../engine.ts'
import { SETUID_PROGRAMS, SHELLS, TEMP_DIR } from '../lists.ts'
import type { Rule } from '../types.ts'
import { untrustedExecutable } from './paths.ts'

/** The host's root mounted writable into a container: `-v /:/host` (not `:ro`). */
const HOST_ROOT_RW = /(?:\s-v\s*|--volume[\s=])\/:\/[\w/-]*(?::rw\w*)?(?=\s|$)|--mount\s+type=bind,(?:source|src)=\/,(?:target|dst|destination)=\/[\w/-]*(?=\s|$)/
const TEMP_TARGET = /\s(?:\/tmp|\/var\/tmp|\/dev\/shm)\/\S+/
/** chmod granting setuid: u+s, +s, a+s, ug+s, 4755, 6755 (but not g+s on a shared directory, or 1777). */
const SETUID_MODE = /\bchmod\s+(?:-\w+\s+)*(?:[ago]*u[ago]*|a|)\+[rwxXt]*s[rwxXt]*(?:,\S*)?\s|\bchmod\s+(?:-\w+\s+)*0?[4-7][0-7]{3}\s/
const SETGID_EXEC = /\bchmod\s+(?:-\w+\s+)*g\+[rwt]*x[rwt]*s|\bchmod\s+(?:-\w+\s+)*g\+[rwt]*s[rwt]*x/

export const privilegeRules: readonly Rule[] = [
  pattern({
    id: 'setuid_bit_set',
    exemptUnder: PACKAGE_MANAGERS,
    category: 'privilege_escalation',
    severity: 'high',
    description: 'setuid bit set with chmod (or setgid on an executable in a temp directory)',
    when: { any: [SETUID_MODE, SETGID_EXEC, { all: [/\bchmod\s+(?:-\w+\s+)*(?:g\+\w*s|0?[23][0-7]{3})\b/, TEMP_TARGET] }] },
  }),
  pattern({
    id: 'dangerous_capability',
    exemptUnder: PACKAGE_MANAGERS,
    category: 'privilege_escalation',
    severity: 'high',
    description: 'setcap granting a capability that leads to root',
    when: { all: [/\bsetcap\b/, /cap_(?:setuid|setgid|sys_admin|sys_ptrace|sys_module|dac_override|dac_read_search|chown|fowner|sys_rawio|bpf|setfcap)\b/i] },
  }),
  pattern({
    id: 'sudoers_tampering',
    exemptUnder: PACKAGE_MANAGERS,
    category: 'privilege_escalation',
    severity: 'high',
    description: 'sudoers written or sudo password caching weakened',
    when: {
      any: [
        /(?:>>?\s*|\btee\s+(?:-a\s+)?|\bsed\s+(?:-\w+\s+)*-i\S*\s+[^;|&]*|\b(?:cp|mv|install|ln\s+-s\w*)\s+[^;|&]*\s)\/etc\/sudoers(?:\.d)?\b/,
        { all: [/\bNOPASSWD\s*:/, /\b(?:echo|printf|tee)\b|>>/] },
        /!tty_tickets|timestamp_timeout\s*=\s*-1/,
      ],
    },
  }),
  pattern({
    id: 'root_account_created',
    category: 'privilege_escalation',
    severity: 'critical',
    description: "A second uid-0 account, /etc/passwd or /etc/shadow written directly, or root's password removed",
    when: {
      any: [
        /\b(?:useradd|adduser|usermod)\b[^;|&]*(?:\s-o\b[^;|&]*\s-u\s*0\b|\s-u\s*0\b[^;|&]*\s-o\b|\s--non-unique\b[^;|&]*(?:-u|--uid)[\s=]*0\b)/,
        /(?:>>?\s*|\btee\s+(?:-a\s+)?)\/etc\/(?:passwd|shadow)\b/,
        /\b(?:echo|printf)\s+['"]?[\w.-]+:[^:\s]*:0:0:/,
        /\bpasswd\s+-d\s+root\b/,
        /\broot:[^\s|]+['"]?\s*\|\s*(?:sudo\s+)?chpasswd\b/,
      ],
    },
  }),
  pattern({
    id: 'admin_group_added',
    exemptUnder: PACKAGE_MANAGERS,
    category: 'privilege_escalation',
    severity: 'medium',
    description: 'A user added to an administrators group (sudo, wheel, root, admin)',
    when: /\busermod\s+(?:-\w+\s+)*-a?G\s*\S*\b(?:sudo|wheel|root|admin)\b|\bgpasswd\s+-a\s+\S+\s+(?:sudo|wheel|root|admin)\b|\badduser\s+\S+\s+(?:sudo|wheel|root|admin)\b|\buseradd\b[^;|&]*\s-G\s*\S*\b(?:sudo|wheel|root)\b/,
  }),
  {
    id: 'pkexec_no_arguments',
    category: 'privilege_escalation',
    severity: 'critical',
    scope: 'static',
    description: 'pkexec started with no arguments (CVE-2021-4034, PwnKit)',
    test: (p, c) => (c.comm === 'pkexec' || c.prog === 'pkexec') && p.argv.length <= 1,
  },
  {
    id: 'sudoedit_overflow',
    category: 'privilege_escalation',
    severity: 'critical',
    scope: 'static',
    description: 'sudoedit -s with a trailing backslash (CVE-2021-3156, Baron Samedit)',
    test: (p, c) =>
      (c.prog === 'sudoedit' || c.prog === 'sudo') &&
      p.argv.some((a) => a === '-s' || a === '-i' || a === '--shell' || a === '--login') &&
      p.argv.slice(1).some((a) => a.endsWith('\\')),
  },
  {
    id: 'setuid_shell',
    category: 'privilege_escalation',
    severity: 'critical',
    scope: 'dynamic',
    description: 'A shell, interpreter or dropped binary running as effective root for a non-root user',
    test: (p, c) => {
      if (p.euid !== 0 || p.uid === undefined || p.uid === 0 || SETUID_PROGRAMS.has(c.comm) || SETUID_PROGRAMS.has(c.prog)) {
        return false
      }
      const interpreter = SHELLS.has(c.comm) || SHELLS.has(c.prog) || /^(?:python[\d.]*|perl|ruby|php[\d.]*|node|lua)$/.test(c.comm)
      return interpreter || untrustedExecutable(p) || TEMP_DIR.test(p.exe ?? '') ? `uid ${p.uid} euid 0` : false
    },
  },
  pattern({
    id: 'shell_escape',
    category: 'privilege_escalation',
    severity: 'high',
    description: 'A shell spawned through a program escape (GTFOBins-style), keeping privileges',
    when: {
      any: [
        /\bfind\b[^;|&]*-exec\s+(?:\/bin\/|\/usr\/bin\/)?(?:ba|da|z)?sh\b/,
        /\bvim?\b[^;|&]*-c\s*['"]?:?!\s*(?:\/bin\/)?(?:ba)?sh/,
        /\b[gmn]?awk\b[^|]*system\(\s*\\?["'](?:\/bin\/)?(?:ba|da)?sh\b/,
        /\bperl\b[^|;]*-e\s*['"]?exec\s*\\?["']?(?:\/bin\/)?(?:ba)?sh/,
        /\bpython[\d.]*\b[^|;]*-c\s*['"][^'"]*(?:os\.(?:system|exec\w*)|pty\.spawn)\(\s*['"](?:\/bin\/)?(?:ba|da)?sh/,
        /\bpython[\d.]*\b[^|;]*-c\s*['"][^'"]*os\.set(?:e?uid|resuid)\(\s*0/,
        /\btar\b[^;|&]*--checkpoint-action=exec=/,
        /\bzip\b[^;|&]*\s-TT?\s*['"]?(?:\/bin\/)?(?:ba)?sh/,
        /(?:^|[\s;|&])(?:env\s+)?(?:\/bin\/|\/usr\/bin\/)?(?:ba|da|z)?sh\s+-p\b/,
        /\bnmap\b[^;|&]*--interactive/,
        /\bemacs\b[^;|&]*--eval[^;|&]*\(term\s+\\?["'](?:\/bin\/)?(?:ba)?sh/,
        /!\s*exec\s+\\?["']?\/bin\/(?:ba)?sh/,
        /\bssh\b[^;|&]*ProxyCommand=['"]?;\s*(?:ba)?sh/,
        /\brsync\b[^;|&]*\s-e\s+['"]?(?:ba)?sh\s+-c/,
        /\bgdb\b[^;|&]*-ex\s+['"]?!\s*(?:ba)?sh/,
        /\bsudo\b[^;|&]*\b(?:less|more|man|git|ftp|journalctl)\b[^;|&]*!\s*\/?(?:bin\/)?(?:ba)?sh/,
      ],
    },
  }),
  pattern({
    id: 'host_namespace_escape',
    category: 'privilege_escalation',
    severity: 'high',
    description: 'Entering the host namespaces from a container or a privileged container run',
    when: {
      any: [
        /\bnsenter\b[^;|&]*(?:-t|--target)[\s=]*1\b[^;|&]*(?:\s-[a-z]*m|--mount|\s-a\b|--all)/,
        {
          all: [
            /\b(?:docker|podman|nerdctl)\s+(?:container\s+)?(?:run|create)\b/,
            { any: [{ all: [/--privileged/, { any: [HOST_ROOT_RW, /--pid[\s=]host/] }] }, HOST_ROOT_RW] },
            /\bchroot\b|\bnsenter\b/,
          ],
        },
        { all: [/\b(?:docker|podman|nerdctl)\s+(?:container\s+)?(?:run|create)\b/, /--privileged/, { any: [HOST_ROOT_RW, /--pid[\s=]host/] }, /\s(?:\/bin\/)?(?:ba)?sh(?:\s|$)/] },
        /\bcurl\b[^;|&]*--unix-socket\s+\S*(?:docker|containerd|crio|podman)\.sock\b[^;|&]*\/containers\/(?:create|[\w-]+\/exec)/,
        /\bunshare\s+(?:-\w+\s+)*(?:-r\b|--map-root-user\b|-\w*r\w*\b)[^;|&]*\b(?:ba|da)?sh\b/,
        /\bkubectl\b[^;|&]*\b(?:run|debug)\b[^;|&]*(?:\\?"privileged\\?"\s*:\s*true|\\?"hostPID\\?"\s*:\s*true)/,
        /\bctr\b[^;|&]*\brun\b[^;|&]*--privileged[^;|&]*(?:src=\/,|source=\/,)/,
      ],
    },
  }),
  pattern({
    id: 'host_disk_mount_in_container',
    category: 'privilege_escalation',
    severity: 'high',
    containerOnly: true,
    description: 'A host block device mounted from inside a container',
    when: /\bmount\s+(?:-\w+\s+\S+\s+)*\/dev\/(?:sd[a-z]|nvme\d|vd[a-z]|xvd[a-z]|dm-\d|mapper\/)\S*\s+\S+|\bdebugfs\s+(?:-\w+\s+)*\/dev\/(?:sd[a-z]|nvme\d|vd[a-z]|xvd[a-z])/,
  }),
  pattern({
    id: 'kernel_callback_escape',
    category: 'privilege_escalation',
    severity: 'critical',
    description: 'Kernel callback hijacked for a container escape (release_agent, core_pattern, uevent_helper, modprobe)',
    when: /(?:>>?\s*|\btee\s+(?:-a\s+)?)\S*(?:release_agent|notify_on_release|\/proc\/sys\/kernel\/core_pattern|\/proc\/sys\/kernel\/modprobe|\/sys\/kernel\/uevent_helper)\b|\bsysctl\s+-w\s+kernel\.core_pattern=\s*['"]?\|/,
  }),
  pattern({
    id: 'privesc_tooling',
    category: 'privilege_escalation',
    severity: 'high',
    description: 'A privilege-escalation enumeration or exploit tool runs',
    when: /(?:^|[\s/;|&])(?:linpeas|linenum|lse|les|linux-exploit-suggester\d?|linux_exploit_suggester\d?|pspy(?:32|64)?s?|traitor|dirtypipe|dirty_?cow|pwnkit|peass|unix-privesc-check|autosuid|suid3num|beroot|gtfonow|cve-\d{4}-\d{4,})(?:\.sh|\.py|\.pl)?(?=$|[\s;|&])/i,
  }),
  pattern({
    id: 'setuid_discovery',
    category: 'privilege_escalation',
    severity: 'medium',
    description: 'Searching the file system for setuid/setgid binaries',
    when: /\bfind\b[^;|&]*-perm\s+(?:-|\/)?(?:u=s|g=s|[-/]?[246]000|-?0?4000|\/6000|-u\+s)/,
  }),
  pattern({
    id: 'glibc_tunables_exploit',
    category: 'privilege_escalation',
    severity: 'high',
    description: 'Malformed GLIBC_TUNABLES of the Looney Tunables exploit (CVE-2023-4911)',
    when: /GLIBC_TUNABLES=[^\s:=]*=[^\s:=]*=/,
  }),
  pattern({
    id: 'credential_file_permissions',
    category: 'privilege_escalation',
    severity: 'high',
    description: 'Credential files made writable or readable by everyone',
    when: {
      any: [
        /\bchmod\s+(?:-\w+\s+)*(?:0?[0-7]?[0-7][0-7][2367]|o\+\w*w|a\+\w*w)\s+[^;|&]*\/etc\/(?:shadow|gshadow|passwd|sudoers)\b/,
        /\bchmod\s+(?:-\w+\s+)*(?:0?[0-7]?[0-7][0-7][4-7]|o\+\w*r|a\+\w*r)\s+[^;|&]*\/etc\/(?:shadow|gshadow|sudoers)\b/,
      ],
    },
  }),
]
