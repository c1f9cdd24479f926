/** Name lists and path classes the rules share. Data, not logic. */

/** Shells whose stdin/stdout on a socket is a reverse shell. */
export const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox', 'fish', 'tcsh', 'csh', 'rbash'])

/** Interpreters used for one-line reverse shells. */
export const INTERPRETERS = /^(?:python[\d.]*|perl[\d.]*|ruby[\d.]*|php[\d.]*|lua[\d.]*|luajit|node|nodejs|tclsh[\d.]*|awk|gawk|mawk|nawk|socat|nc|ncat|netcat|telnet|openssl)$/

/** Known miner programs (Falco's miner list, XPAV, and malware seen on Kubernetes nodes). */
export const MINER_NAMES = new Set([
  'xmrig',
  'xmrig-cuda',
  'xmrig-nvidia',
  'xmrig-amd',
  'xmrig-proxy',
  'xmr-stak',
  'xmr-stak-cpu',
  'xmr-stak-rx',
  'minerd',
  'cpuminer',
  'cpuminer-multi',
  'cpuminer-opt',
  'ccminer',
  'ethminer',
  'cgminer',
  'bfgminer',
  'sgminer',
  'nbminer',
  't-rex',
  'gminer',
  'lolminer',
  'phoenixminer',
  'teamredminer',
  'nanominer',
  'bminer',
  'wildrig',
  'wildrig-multi',
  'srbminer',
  'srbminer-multi',
  'minergate',
  'minergate-cli',
  'claymore',
  'nheqminer',
  'ethdcrminer64',
  'kdevtmpfsi',
  'kinsing',
  'xmr',
  'moneroocean',
  'cryptonight',
  'nicehashminer',
  'rigel',
  'onezerominer',
  'xmrigdaemon',
  'xmrigminer',
  'kthreaddi',
  'kworkerds',
  'dbused',
])

/** Remote ports used almost only by mining pools (Falco's list minus common service ports). */
export const POOL_PORTS_STRONG = new Set([3333, 3334, 3335, 3336, 3357, 5588, 5730, 6099, 9332, 14433, 14444, 20535, 20580])
/** Ports pools use that other services share: a finding needs a second signal. */
export const POOL_PORTS_WEAK = new Set([4444, 5555, 5556, 6666, 7777, 7778, 8333, 9999, 10128, 10343, 13333, 17777, 19999])

/** Mining pool domains (name part; any subdomain and TLD). */
export const POOL_DOMAIN =
  /\b(?:[\w-]+\.)*(?:minexmr|supportxmr|moneroocean|nanopool|2miners|f2pool|hashvault|herominers|unmineable|c3pool|xmrpool|dwarfpool|ethermine|nicehash|miningpoolhub|slushpool|antpool|viabtc|ethpool|flypool|zpool|prohashing|monerohash|minergate|crazypool|woolypooly|kryptex|p2pool|xmrfast|gntl|bohemianpool|moriaxmr|fairhash|skypool|xmr-pool|zergpool|mining-dutch|hashcryptos|zephyrprotocol|rplant|mintpond|flockpool|nanopool)\.(?:com|org|net|pro|stream|io|eu|cc|me|xyz|info|club|co|uk|de|fr|ru|cn|pw|network|vip|live)\b/i

/** Web, application and database servers: a shell below one is remote command execution. */
export const SERVICES = new Set([
  'nginx',
  'httpd',
  'apache',
  'apache2',
  'lighttpd',
  'caddy',
  'openresty',
  'php-fpm',
  'php-cgi',
  'php-fpm7.4',
  'php-fpm8.0',
  'php-fpm8.1',
  'php-fpm8.2',
  'php-fpm8.3',
  'uwsgi',
  'gunicorn',
  'uvicorn',
  'hypercorn',
  'puma',
  'unicorn',
  'passenger',
  'traefik',
  'haproxy',
  'envoy',
  'tomcat',
  'catalina',
  'jetty',
  'weblogic',
  'postgres',
  'postmaster',
  'mysqld',
  'mariadbd',
  'mongod',
  'redis-server',
  'memcached',
  'clickhouse-serv',
  'influxd',
  'couchdb',
  'confluence',
  'jira',
  'grafana',
  'grafana-server',
])

/** Names of long-running system programs worth impersonating. */
export const SYSTEM_NAMES = new Set([
  'sshd',
  'systemd',
  'init',
  'cron',
  'crond',
  'atd',
  'dbus-daemon',
  'rsyslogd',
  'syslogd',
  'journald',
  'systemd-journal',
  'kubelet',
  'containerd',
  'dockerd',
  'kube-proxy',
  'bash',
  'sh',
  'apache2',
  'nginx',
  'httpd',
  'mysqld',
  'postgres',
  'agetty',
  'udevd',
  'systemd-udevd',
  'polkitd',
  'networkmanager',
  'chronyd',
  'ntpd',
  'auditd',
  'irqbalance',
  'python',
  'python3',
  'java',
  'node',
  'sleep',
  'top',
  'ps',
  'ls',
  'cat',
  'kswapd0',
  'kthreadd',
  'watchdog',
  'nvidia-smi',
  'nvidia-persistenced',
  'containerd-shim',
  'runc',
  'pause',
  'coredns',
  'etcd',
  'kube-apiserver',
])

/** Kernel thread names: a user process shown as one is hiding. */
export const KTHREAD_NAME =
  /^(?:kworker\/|ksoftirqd\/|kthreadd$|migration\/|rcu_|rcuo[sbp]?\/|rcub\/|watchdog\/|watchdogd$|kswapd\d|khugepaged$|kcompactd\d|kdevtmpfs$|kblockd$|kauditd$|kintegrityd$|kthrotld$|jbd2\/|ext4-rsv|writeback$|oom_reaper$|cpuhp\/|idle_inject\/|irq\/\d|scsi_eh_|scsi_tmf_|md\d*_raid|xfsaild\/|xfs-|kstrp$|ipv6_addrconf$|kmpath|edac-poller$|khungtaskd$|ksmd$|netns$|kpsmoused$|ttm_swap$|nvme-wq$|kaluad$|zswap|kdmflush|dm_bufio|kverityd|mm_percpu_wq$|inet_frag_wq$|kworker$|ksoftirqd$|kswapd$|migration$|events\/\d|khelper$|kacpid$|ata_sff$|card\d+-crtc|nv_queue$|nvidia-modeset)/

/** Program names that are expected to run with effective root for a non-root user. */
export const SETUID_PROGRAMS = new Set([
  'sudo',
  'su',
  'pkexec',
  'passwd',
  'chsh',
  'chfn',
  'newgrp',
  'gpasswd',
  'mount',
  'umount',
  'fusermount',
  'fusermount3',
  'ping',
  'ping6',
  'ssh-keysign',
  'Xorg',
  'Xorg.wrap',
  'polkit-agent-he',
  'unix_chkpwd',
  'dbus-daemon-lau',
  'newuidmap',
  'newgidmap',
  'crontab',
  'at',
  'sudoedit',
  'doas',
  'pppd',
  'traceroute6',
  'nvidia-modprobe',
  'chrome-sandbox',
  'snap-confine',
])

/** Directories anyone may write, where dropped payloads land. */
export const TEMP_DIR = /^\/(?:tmp|var\/tmp|dev\/shm|run\/shm|run\/user\/\d+|var\/run\/user\/\d+|dev\/mqueue|run\/lock|var\/lock)(?:\/|$)/
export const SHM_DIR = /^\/(?:dev\/shm|run\/shm)(?:\/|$)/
/** Any path component starting with a dot (`/tmp/.x/miner`, `/var/tmp/.../a`). */
export const HIDDEN_COMPONENT = /\/\.[^/]/

/** Hosts that serve curl|sh installers operators run on purpose. */
export const TRUSTED_INSTALL_HOSTS =
  /^(?:get\.docker\.com|test\.docker\.com|sh\.rustup\.rs|install\.python-poetry\.org|astral\.sh|get\.helm\.sh|deb\.nodesource\.com|rpm\.nodesource\.com|get\.k3s\.io|bun\.sh|deno\.land|ollama\.com|nvidia\.github\.io|pyenv\.run|get\.rvm\.io|sdk\.cloud\.google\.com|aka\.ms|tailscale\.com|get\.k0s\.sh|micro\.mamba\.pm|starship\.rs|fluxcd\.io|install\.ohmyz\.sh|get\.jetify\.com|repo\.anaconda\.com|github\.com|cli\.github\.com|packages\.microsoft\.com|download\.docker\.com|dl\.k8s\.io|pkgs\.k8s\.io|apt\.releases\.hashicorp\.com|get\.pnpm\.io|install\.determinate\.systems|nixos\.org|raw\.githubusercontent\.com\/(?:helm|nvm-sh|ohmyzsh|kubernetes-sigs|kubernetes|NVIDIA|pyenv|rbenv|Homebrew|rust-lang|python-poetry|fluxcd|cilium|projectcalico|longhorn|istio|argoproj|k3s-io)\/)/i

/** File-drop, paste, webhook and tunnel services used to move data out (or payloads in). */
export const EXFIL_HOSTS =
  /(?:^|\.)(?:file\.io|transfer\.sh|anonfiles\.com|bashupload\.com|oshi\.at|temp\.sh|0x0\.st|gofile\.io|paste\.ee|pastebin\.com|termbin\.com|ix\.io|sprunge\.us|webhook\.site|requestbin\.\w+|pipedream\.net|ngrok\.io|ngrok-free\.app|ngrok\.app|trycloudflare\.com|interact\.sh|oast\.\w+|burpcollaborator\.net|mega\.nz|filebin\.net|catbox\.moe|uguu\.se|keep\.sh|dpaste\.\w+|hastebin\.com|ghostbin\.\w+|pastebin\.pl|discord(?:app)?\.com|api\.telegram\.org|hooks\.slack\.com\/workflows|serveo\.net|localhost\.run|pinggy\.io|bore\.pub)$/i

/** Credential files whose contents should not be read by shell tools. */
export const CREDENTIAL_PATH =
  /\/etc\/(?:shadow|gshadow)\b|\/etc\/security\/opasswd|\.ssh\/id_(?:rsa|dsa|ecdsa|ed25519)(?![\w.-]*\.pub)\b|\.ssh\/\*|\.aws\/credentials|\.config\/gcloud\/(?:credentials|application_default_credentials|legacy_credentials)|\.azure\/(?:accessTokens|msal_token_cache)|\.docker\/config\.json|\.git-credentials|\.netrc\b|\.pgpass\b|\/etc\/kubernetes\/pki\/[\w.-]*\.key|\/var\/lib\/kubelet\/pki\/[\w.-]*\.key|\/proc\/(?:\d+|\*|self|\$\w+|\$\(\w+[^)]*\))\/(?:environ|mem)\b|\.(?:bash|zsh|mysql|psql)_history|wallet\.dat|\.gnupg\/private-keys|\/etc\/ssh\/ssh_host_\w+_key(?!\.pub)\b/

/** Sources whose archive sent over the network is exfiltration (configuration, homes, keys). */
export const SENSITIVE_SOURCE =
  /(?:\s|^|=|\(|")(?:\/etc(?:\/|\s|$|\*|")|\/root\b|\/home\b|\/Users\b|~\/?(?:\s|$|\.ssh)|\/var\/lib\/kubelet|\/etc\/kubernetes|\/var\/run\/secrets|\/var\/lib\/etcd|\/var\/lib\/docker\/volumes)|\.ssh\b|\.aws\b|\.kube\b|\.gnupg\b|id_(?:rsa|ed25519|ecdsa)\b|\/etc\/(?:shadow|passwd)/

export function basename(path: string): string {
  const i = path.lastIndexOf('/')
  return i >= 0 ? path.slice(i + 1) : path
}

/** Host of the first URL-looking token (scheme optional for bare host/path forms). */
export function urlsIn(line: string): { scheme: string; host: string; hostPath: string }[] {
  const out: { scheme: string; host: string; hostPath: string }[] = []
  for (const m of line.matchAll(/\b(https?|ftp|tftp):\/\/(?:[^/\s@'"]*@)?([^/\s:'"?#]+)(?::\d+)?([^\s'"]*)/gi)) {
    out.push({ scheme: (m[1] as string).toLowerCase(), host: (m[2] as string).toLowerCase(), hostPath: `${m[2]}${m[3] ?? ''}` })
  }
  return out
}

const PRIVATE_HOST =
  /^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|::1|\[::1\]|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(?:1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|[\w-]+|.*\.(?:svc|local|internal|cluster\.local|lan|home\.arpa|corp))$/i

/** Hosts inside the node or the cluster (no dot, RFC 1918, .svc, .local, .internal). */
export function isInternalHost(host: string): boolean {
  return PRIVATE_HOST.test(host)
}

export function isIpLiteral(host: string): boolean {
  return /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host) || host.includes(':')
}
