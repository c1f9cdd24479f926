/**
 * Removes secrets from command lines before they reach a label, a log line or a page.
 * Detection reads the raw argv; everything shown to people goes through here first.
 */
export const REDACTED = '***'

/** Words that make a flag or variable name secret-like. */
const SECRET = String.raw`(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[-_]?key|apikey|access[-_]?key|private[-_]?key|client[-_]?secret|credentials?|auth|bearer|cookie|session[-_]?key|signature)`
/** Flag names whose value is a path or a switch, not the secret itself. */
const PATH_LIKE = /(?:[-_](?:file|path|dir|env|stdin|mode|type))$/i

const SECRET_FLAG = new RegExp(String.raw`^(--?[\w.-]*${SECRET}[\w.-]*)(=)([\s\S]*)$`, 'i')
const SECRET_FLAG_ALONE = new RegExp(String.raw`^--?[\w.-]*${SECRET}[\w.-]*$`, 'i')

/** Flags that say "the next -p is a password": a user name given on the same command. */
const USER_FLAG = /^(?:-u|-U|--user(?:name)?|--login|login)$|^(?:-u\S+|--user(?:name)?=\S+)$/
/** Commands whose -p (or -a) is a password whatever else is given. */
const PASSWORD_P_COMMANDS = new Set(['sshpass', 'mysql', 'mysqladmin', 'mysqldump', 'mariadb', 'mariadb-dump'])
const PASSWORD_A_COMMANDS = new Set(['redis-cli', 'keydb-cli'])

/** Text rules, applied to every argument (shell scripts passed to `sh -c` included). */
const TEXT_RULES: readonly (readonly [RegExp, (...m: string[]) => string])[] = [
  // -----BEGIN ... PRIVATE KEY----- blocks
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, () => REDACTED],
  // scheme://user:password@host
  [/([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]*):([^/\s@]+)@/gi, (_, scheme, user) => `${scheme}${user}:${REDACTED}@`],
  // Authorization: Bearer xyz, X-Api-Key: xyz, Cookie: a=b
  [/\b(authorization|proxy-authorization|x-api-key|api-key|x-auth-token|private-token|cookie)(\s*:\s*)((?:bearer|basic|token|digest)\s+)?[^\s'"]+/gi, (_, h, sep, scheme) => `${h}${sep}${scheme ?? ''}${REDACTED}`],
  // --password=x / --token x / -secret x inside a script
  [new RegExp(String.raw`(--?[\w.-]*${SECRET}[\w.-]*)(=|\s+)("[^"]*"|'[^']*'|[^\s;&|'"]+)`, 'gi'), (all, flag, sep, value) =>
    PATH_LIKE.test(flag) || (sep.trim() === '' && value.startsWith('-')) ? all : `${flag}${sep}${REDACTED}`],
  // SECRET_KEY=value, DB_PASSWORD="x"
  [new RegExp(String.raw`\b(\w*${SECRET}\w*)=("[^"]*"|'[^']*'|[^\s;&|'"]+)`, 'gi'), (all, key) => (PATH_LIKE.test(key) ? all : `${key}=${REDACTED}`)],
  // {"API_TOKEN": "x"} / {'db_password': 'x'}: JSON or Python-dict config passed inline
  [new RegExp(String.raw`(["'])(\w*${SECRET}\w*)\1(\s*:\s*)("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s,}'"]+)`, 'gi'), (all, q, key, sep, value) =>
    PATH_LIKE.test(key) ? all : `${q}${key}${q}${sep}${value.startsWith('"') ? `"${REDACTED}"` : value.startsWith("'") ? `'${REDACTED}'` : REDACTED}`],
  // curl -u user:password / --user user:password
  [/((?:^|\s)(?:-u|--user)[\s=]+)([^\s:'"]+):([^\s'"]+)/g, (_, flag, user) => `${flag}${user}:${REDACTED}`],
  // well-known token shapes
  [/\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_\w{20,}|\bxox[abprs]-[\w-]{10,}|\bglpat-[\w-]{20,}|\bsk-[A-Za-z0-9_-]{20,}|\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/g, () => REDACTED],
]

/** Redacts `-p secret` in scripts that also name a user (`mysql -u root -psecret`). */
const SCRIPT_P = /((?:^|\s)-(?:u|U)\s*\S+[\s\S]*?\s-p)(\s*)([^\s;&|'"]+)/g

function redactText(s: string): string {
  let out = s
  for (const [re, fn] of TEXT_RULES) {
    out = out.replace(re, fn as (substring: string, ...args: string[]) => string)
  }
  return out.replace(SCRIPT_P, (_, head, sep) => `${head}${sep}${REDACTED}`)
}

function basename(path: string): string {
  const i = path.lastIndexOf('/')
  return i >= 0 ? path.slice(i + 1) : path
}

/** Redacts every argument; the result has the same length as argv. */
export function redactArgv(argv: readonly string[]): string[] {
  const out = argv.map(redactText)
  const command = basename(argv[0] ?? '')
  const pIsPassword = PASSWORD_P_COMMANDS.has(command) || argv.some((a) => USER_FLAG.test(a))
  const aIsPassword = PASSWORD_A_COMMANDS.has(command)
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const next = argv[i + 1]
    const m = SECRET_FLAG.exec(arg)
    if (m && !PATH_LIKE.test(m[1] as string)) {
      out[i] = `${m[1]}=${REDACTED}`
      continue
    }
    const takesValue = SECRET_FLAG_ALONE.test(arg) && !PATH_LIKE.test(arg)
    const pValue = (pIsPassword && arg === '-p') || (aIsPassword && arg === '-a')
    if ((takesValue || pValue) && next !== undefined && !next.startsWith('-')) {
      out[i + 1] = REDACTED
      i++
      continue
    }
    if ((arg === '-u' || arg === '--user') && next !== undefined && next.includes(':')) {
      out[i + 1] = `${next.slice(0, next.indexOf(':'))}:${REDACTED}`
      i++
      continue
    }
    if (pIsPassword && /^-p.+/.test(arg)) {
      out[i] = `-p${REDACTED}`
    }
  }
  return out
}

/** The redacted command line, arguments joined by spaces and cut to `max` characters. */
export function redactCommandLine(argv: readonly string[], max = 1024): string {
  const line = redactArgv(argv).join(' ')
  return line.length > max ? `${line.slice(0, max)}...` : line
}
