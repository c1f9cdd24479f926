import { AT_COMMAND, holds, pattern } from '../engine.ts'
import type { Clause } from '../engine.ts'
import { CREDENTIAL_PATH, EXFIL_HOSTS, SENSITIVE_SOURCE, isInternalHost, urlsIn } from '../lists.ts'
import type { Rule } from '../types.ts'

/** Remote ends named on a command line: user@host, nc/ncat/socat host port, URLs, /dev/tcp/host. */
function destinations(line: string): string[] {
  const out: string[] = []
  for (const m of line.matchAll(
    /[\w.-]+@([\w.-]+)|\b(?:nc|ncat|netcat|telnet)\s+(?:-\S+\s+)*([\w.-]+)\s+\d+|\/dev\/(?:tcp|udp)\/([\w.-]+)\/|\bssh\s+(?:-\S+\s+)*([a-zA-Z][\w.-]*\.[\w.-]+)/g,
  )) {
    out.push((m[1] ?? m[2] ?? m[3] ?? m[4]) as string)
  }
  return [...out, ...urlsIn(line).map((u) => u.host)]
}

const NET_SINK = /\|\s*(?:\S+\s+)*?(?:nc|ncat|netcat|socat|curl|wget|ssh|openssl\s+s_client|telnet)\b|>\s*\/dev\/(?:tcp|udp)\//
const ARCHIVER = /\b(?:tar|zip|7z|7za|gzip|rar|cpio|dd|cat|base64|xxd|gpg|openssl)\b/
const ARCHIVE_TO_NETWORK: Clause = {
  any: [
    { all: [/\b(?:scp|rsync|sftp)\b/, /(?:^|\s)\S+@[\w.-]+:|\s[\w.-]+\.[a-z]{2,}:\S*(?:\s|$)/, SENSITIVE_SOURCE] },
    { all: [ARCHIVER, NET_SINK, SENSITIVE_SOURCE] },
    { all: [/\bssh\b/, /\btar\b[^;|&]*\s-?\w*c\w*\s+-/, SENSITIVE_SOURCE] },
    { all: [/\bopenssl\s+(?:enc\b|des3?\b|aes-\d+-\w+\b|bf\b)/, NET_SINK] },
  ],
}
const UPLOAD =
  /\s(?:-F|--form)\s*['"]?\w*=@|\s(?:-T|--upload-file)\s|\s(?:-d|--data(?:-binary|-raw|-urlencode)?)\s*['"]?@|--post-file\b|--post-data\b|--body-file\b|--method[=\s](?:POST|PUT)|\s-X\s*(?:POST|PUT)\b/i
/** A credential path read by a tool that prints, copies or sends it (not ssh -i, chmod, ssh-keygen). */
const CREDENTIAL_READ = new RegExp(
  String.raw`${AT_COMMAND}(?:cat|head|tail|more|less|base64|xxd|od|strings|hexdump|curl|wget|nc|ncat|netcat|socat|tar|zip|7z|cp|mv|scp|rsync|grep|egrep|awk|sed|dd|python[\d.]*|perl|gpg|openssl|ln|kubectl\s+cp|docker\s+cp|aws\s+s3\s+cp|gsutil\s+cp|rclone\s+(?:copy|sync))\b[^;|&]*?(?:${CREDENTIAL_PATH.source})`,
)
/** Keys handed to ssh/scp/rsync as identities are used, not read out. */
const IDENTITY_ARG = /(?:\s-i\s*|IdentityFile[=\s]+|--key-file[=\s]+|--private-key[=\s]+)\S+/g
const UPLOADED_CREDENTIAL = new RegExp(`[@=\\s](?:${CREDENTIAL_PATH.source})`)

export const exfilRules: readonly Rule[] = [
  {
    id: 'archive_to_network',
    category: 'data_exfiltration',
    severity: 'high',
    scope: 'static',
    description: 'Configuration, home directories or keys archived or encoded straight into a network tool',
    test: (_, c) => {
      if (!holds(ARCHIVE_TO_NETWORK, c.line)) {
        return false
      }
      // A backup to a host inside the node's network (nas.internal, 10.x) is not exfiltration.
      const hosts = destinations(c.line.replace(IDENTITY_ARG, ' '))
      return hosts.length > 0 && hosts.every(isInternalHost) ? false : (hosts.find((h) => !isInternalHost(h)) ?? true)
    },
  },
  {
    id: 'upload_to_file_share',
    category: 'data_exfiltration',
    severity: 'high',
    scope: 'static',
    description: 'Data uploaded to a file-drop, paste, webhook or tunnel service',
    test: (_, c) => {
      const host = urlsIn(c.line).find((u) => EXFIL_HOSTS.test(u.host))?.host
      if (host && (UPLOAD.test(c.line) || /\|\s*(?:curl|wget)\b/.test(c.line))) {
        return host
      }
      return /\|\s*(?:nc|ncat|netcat)\s+termbin\.com\s+9999/.test(c.line) ? 'termbin.com' : false
    },
  },
  {
    id: 'http_post_external',
    category: 'data_exfiltration',
    severity: 'medium',
    scope: 'static',
    description: 'wget posting a file or data to a host outside the cluster',
    test: (_, c) => {
      if (!/\bwget\b/.test(c.line) || !/--post-file\b|--post-data\b|--body-file\b|--method[=\s](?:POST|PUT)/i.test(c.line)) {
        return false
      }
      const u = urlsIn(c.line).find((x) => !isInternalHost(x.host))
      return u ? u.host : false
    },
  },
  {
    id: 'sensitive_file_upload',
    category: 'data_exfiltration',
    severity: 'high',
    scope: 'static',
    description: 'A credential file, or configuration and home data, uploaded with curl or wget',
    test: (_, c) => {
      if (!UPLOAD.test(c.line) || !/\b(?:curl|wget)\b/.test(c.line)) {
        return false
      }
      const external = destinations(c.line).find((h) => !isInternalHost(h))
      return UPLOADED_CREDENTIAL.test(c.line) || (external !== undefined && SENSITIVE_SOURCE.test(c.line)) ? (external ?? true) : false
    },
  },
  {
    id: 'credential_file_read',
    category: 'data_exfiltration',
    severity: 'high',
    scope: 'static',
    description: "Credential files (shadow, private keys, cloud and registry credentials, other processes' environ) read by shell tools",
    test: (_, c) => CREDENTIAL_READ.test(c.line.replace(IDENTITY_ARG, ' ')),
  },
  pattern({
    id: 'credential_search',
    category: 'data_exfiltration',
    severity: 'medium',
    description: 'Searching the file system for passwords, private keys or cloud credentials',
    when: {
      any: [
        /\bfind\s+(?:\/|~|\/home|\/root|\/etc|\/var|\/opt)(?:\s|\/)[^;|&]*-i?name\s+['"]?(?:\*?id_(?:rsa|dsa|ecdsa|ed25519)\*?|\*\.pem|\*\.key|\*\.kdbx|wallet\.dat|credentials|\.aws|\*\.ovpn|\.env|\*\.pfx|\*\.p12|config\.json)['"]?/i,
        /\b(?:grep|egrep|rg|ag)\s+[^;|&]*(?:-[a-zA-Z]*[rR][a-zA-Z]*)\b[^;|&]*(?:password|passwd|secret|api[_-]?key|aws_secret_access_key|aws_access_key_id|BEGIN (?:RSA |OPENSSH |EC |DSA )?PRIVATE KEY|private_key)[^;|&]*\s(?:\/|~\/?|\/home\/?|\/root\/?|\/etc\/?|\/var\/?|\/opt\/?)(?:\s|$)/i,
        /\blaZagne|\bmimipenguin|\btruffleHog|\bgitleaks\b[^;|&]*detect[^;|&]*\s\/(?:\s|$)/i,
      ],
    },
  }),
  pattern({
    id: 'dns_exfiltration',
    category: 'data_exfiltration',
    severity: 'high',
    description: 'Data encoded into DNS queries',
    when: {
      any: [
        /\b(?:dig|nslookup|host|drill|delv|resolvectl\s+query)\b[^;|&]*\b[A-Za-z0-9+/=_-]{30,}\.(?:[a-z0-9-]+\.)+[a-z]{2,}\b/,
        /\b(?:dig|nslookup|host|drill)\b[^;|&]*\$\([^)]*\b(?:base64|base32|xxd|od|hexdump)\b/,
        /\b(?:base64|base32|xxd\s+-p)\b[^;]*\|\s*(?:while\s+read|xargs)[^;]*\b(?:dig|nslookup|host)\b/,
      ],
    },
  }),
  pattern({
    id: 'icmp_exfiltration',
    category: 'data_exfiltration',
    severity: 'medium',
    description: 'Data carried in ICMP echo payloads (ping -p)',
    when: /\bping\b[^;|&]*\s-p\s*['"]?[0-9a-fA-F]{8,}|\bping\b[^;|&]*\s-p\s*['"]?\$\(/,
  }),
  pattern({
    id: 'cloud_credentials_theft',
    category: 'data_exfiltration',
    severity: 'high',
    description: 'Cloud instance credentials fetched from the metadata service',
    when: {
      all: [
        /169\.254\.169\.254|metadata\.google\.internal|169\.254\.170\.2|fd00:ec2::254|100\.100\.100\.200|\$AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/,
        /iam\/security-credentials|service-accounts\/[^\s/]+\/(?:token|identity)|identity\/oauth2\/token|\/metadata\/identity|ram\/security-credentials|\/v2\/credentials|AWS_CONTAINER_CREDENTIALS_RELATIVE_URI|instance\/service-accounts\/?(?:\s|$|['"])/,
      ],
    },
  }),
  pattern({
    id: 'kubernetes_secrets_dump',
    category: 'data_exfiltration',
    severity: 'medium',
    containerOnly: true,
    description: 'Cluster secrets listed from inside a container',
    when: /\bkubectl\b[^;|&]*\bget\s+secrets?\b[^;|&]*(?:-A\b|--all-namespaces|-o\s*(?:yaml|json))|\/api\/v1\/(?:namespaces\/[^/\s]+\/)?secrets\b/,
  }),
]
