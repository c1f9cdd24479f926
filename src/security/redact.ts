/**
 * Removes secrets from command lines before they reach a label, a log line or a page.
 * Detection reads the raw argv; everything shown to people goes through here first.
 * The shapes it knows are listed, tool by tool, in redact.test.ts.
 */
import { TOOL_RULES } from './redact-tools.ts'

export const REDACTED = '***'

/** How many characters of a redacted command line a log line carries before `...`. */
export const LOG_CMDLINE_MAX = 256

/**
 * Words that make a flag, variable or key name secret-like. `pw` and `key` count only as
 * whole words (`--pw`, `DB_PW`, `--key`, `STRIPE_KEY`), not inside `--pwr` or `MONKEY`.
 */
const SECRET = String.raw`(?:pass(?:word|wd|phrase)?|pwd|(?<![a-z0-9])pw(?![a-z0-9])|(?<![a-z0-9])key(?![a-z0-9])|secret|token|api[-_]?key|apikey|access[-_]?key|account[-_]?key|private[-_]?key|client[-_]?secret|credentials?|auth|bearer|cookie|session[-_]?key|signature|connection[-_]?string)`

/**
 * Names whose value is a path, a switch, an identifier or a setting, not the secret itself
 * (`--token-file`, `--auth-method`, `AWS_ACCESS_KEY_ID`, `PWD`, `--sort-key`, `--no-password`).
 */
const NOT_SECRET = new RegExp(
  String.raw`[-_.](?:file|path|dir|env|stdin|mode|type|name|size|length|bits|algorithm|format|url|uri|endpoint|method|provider|plugin|ttl|timeout|user|username|helper|required)$` +
    String.raw`|key[-_]?ids?$|^-*(?:old)?pwd$|(?:sort|partition|primary|public|routing|shard|cache|group|hash|foreign|index)[-_.]?key$` +
    String.raw`|^--?(?:no|skip|disable|enable|without|with|allow|require|prompt|ask|ignore|insecure)[-_]`,
  'i',
)

const notSecret = (name: string): boolean => NOT_SECRET.test(name)

const SECRET_FLAG = new RegExp(String.raw`^(--?[\w.-]*${SECRET}[\w.-]*)(=)([\s\S]*)$`, 'i')
const SECRET_FLAG_ALONE = new RegExp(String.raw`^--?[\w.-]*${SECRET}[\w.-]*$`, 'i')
/** A bare secret-like name (`aws_secret_access_key`, `requirepass`) given to a `set` verb. */
const SECRET_NAME = new RegExp(String.raw`^[\w.:/-]*${SECRET}[\w.-]*$`, 'i')
const SET_VERB = /^(?:set|config|configure|config:set)$/i

/**
 * Whether `next` is the value of a secret flag rather than the next flag. `--verbose` and `-v`
 * are flags; `-dashsecret88` (one dash, longer than a short flag) is taken as the value, since
 * a password may begin with `-` and a leak costs more than hiding a Go-style `-flag`.
 */
export function isFlagValue(next: string | undefined): next is string {
  return next !== undefined && (!next.startsWith('-') || (!next.startsWith('--') && next.length > 2))
}

/** A value that names a file (`--key /etc/ssl/client.key`), not a secret. */
const PATH_VALUE = /^(?:\/|\.\.?\/|~\/)[\w.@+/-]*$/

/** Whether the value given to a secret-like flag is the secret: not a flag, not a path. */
function isSecretValue(next: string | undefined): next is string {
  return isFlagValue(next) && !PATH_VALUE.test(next)
}

/** Whether a URL user without a password is a token (`https://ghp_x@github.com`), not a name. */
function tokenLikeUser(user: string): boolean {
  return user.length >= 20 && /\d/.test(user) && /[a-z]/i.test(user)
}

const HEADER = String.raw`(?:authorization|proxy-authorization|x-api-key|api-key|x-auth-token|private-token|cookie|x-[\w-]*${SECRET}[\w-]*)`
const QUOTED = String.raw`"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'`

function requote(value: string): string {
  return value.startsWith('"') ? `"${REDACTED}"` : value.startsWith("'") ? `'${REDACTED}'` : REDACTED
}

/** Text rules, applied to every argument (shell scripts passed to `sh -c` included). */
const TEXT_RULES: readonly (readonly [RegExp, (...m: string[]) => string])[] = [
  // -----BEGIN ... PRIVATE KEY----- blocks
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, () => REDACTED],
  // scheme://user:password@host, the password running to the last @ of the authority (p@ssw0rd)
  [/([a-z][a-z0-9+.-]*:\/\/)([^/\s:@'"]*):([^/\s'"]*)@/gi, (_, scheme, user) => `${scheme}${user}:${REDACTED}@`],
  // scheme://TOKEN@host: a token used as the user
  [/([a-z][a-z0-9+.-]*:\/\/)([^/\s:@'"]+)@/gi, (all, scheme, user) => (tokenLikeUser(user as string) ? `${scheme}${REDACTED}@` : all)],
  // Authorization: Bearer xyz, X-Api-Key: xyz, X-Vault-Token: xyz, Cookie: a=b
  [new RegExp(String.raw`(?<![\w/-])(${HEADER})(\s*:\s*)((?:bearer|basic|token|digest)\s+)?[^\s'"]+`, 'gi'), (_, h, sep, scheme) => `${h}${sep}${scheme ?? ''}${REDACTED}`],
  // --password=x / --token x / -secret x inside a script
  [
    new RegExp(String.raw`(--?[\w.-]*${SECRET}[\w.-]*)(=|\s+)(${QUOTED}|[^\s;&|'"]+)`, 'gi'),
    (all, flag, sep, value) => (notSecret(flag as string) || PATH_VALUE.test(value as string) || (sep.trim() === '' && !isFlagValue(value)) ? all : `${flag}${sep}${REDACTED}`),
  ],
  // SECRET_KEY=value, DB_PASSWORD="x", conninfo password=x
  [new RegExp(String.raw`\b(\w*${SECRET}\w*)=(${QUOTED}|[^\s;&|'"]+)`, 'gi'), (all, key) => (notSecret(key as string) ? all : `${key}=${REDACTED}`)],
  // {"API_TOKEN": "x"} / {'db_password': 'x'}: JSON or Python-dict config passed inline
  [
    new RegExp(String.raw`(["'])([\w.-]*${SECRET}[\w.-]*)\1(\s*:\s*)(${QUOTED}|[^\s,}'"]+)`, 'gi'),
    (all, q, key, sep, value) =>
      notSecret(key as string) || value === `"${REDACTED}"` || value === `'${REDACTED}'` || (/^key$/i.test(key as string) && SECRET_NAME.test((value as string).slice(1, -1)))
        ? all
        : `${q}${key}${q}${sep}${requote(value as string)}`,
  ],
  // [{"name": "DB_PASSWORD", "value": "x"}]: name/value pairs (Kubernetes env, AWS Key/Value)
  [
    new RegExp(String.raw`((["'])(?:name|key)\2\s*:\s*(["'])(?![\w.-]*[-_.](?:file|path|dir)\3)[\w.-]*${SECRET}[\w.-]*\3\s*,\s*(["'])value\4\s*:\s*)(${QUOTED})`, 'gi'),
    (_, head, _q1, _q2, _q3, value) => `${head}${requote(value as string)}`,
  ],
  // password: x / api_token: 'x': YAML passed inline (block or flow style)
  [
    new RegExp(String.raw`(^|[\s{,[])([\w.-]*${SECRET}[\w.-]*)(:[ \t]+)(${QUOTED}|[^\s,{}[\]'"][^\s,}\]'"]*)`, 'gim'),
    (all, pre, key, sep, value) =>
      notSecret(key as string) || value === REDACTED || /^(?:bearer|basic|token|digest)$/i.test(value as string) ? all : `${pre}${key}${sep}${requote(value as string)}`,
  ],
  // curl -u user:password / --user user:password / -U (proxy) / -uuser:password
  [/((?:^|\s)(?:-u|-U|--user|--proxy-user)(?:[\s=]+|(?=[^\s-])))([^\s:'"]+):([^\s'"]+)/g, (_, flag, user) => `${flag}${user}:${REDACTED}`],
  // well-known token shapes: AWS, GitHub, Slack, GitLab, OpenAI, Stripe, Google, npm, Vault, JWT
  [
    /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b|\bgh[pousr]_[A-Za-z0-9]{30,}\b|\bgithub_pat_\w{20,}|\bxox[abprs]-[\w-]{10,}|\bglpat-[\w-]{20,}|\bsk-[A-Za-z0-9_-]{20,}|\b[sr]k_(?:live|test)_\w{10,}|\bAIza[\w-]{35}|\bnpm_[A-Za-z0-9]{36}|\bhv[sbr]\.[\w-]{20,}|\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]{5,}/g,
    () => REDACTED,
  ],
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
  const tool = basename(argv[0] ?? '')
  // Tool-specific positions first (openssl -pass pass:x, htpasswd -b, vault login TOKEN ...).
  const done = new Set<number>()
  for (const rule of TOOL_RULES) {
    if (rule.applies(tool, argv)) {
      rule.redact(argv, out, done)
    }
  }
  for (let i = 0; i < argv.length; i++) {
    if (done.has(i)) {
      continue
    }
    const arg = argv[i] as string
    const next = argv[i + 1]
    const m = SECRET_FLAG.exec(arg)
    if (m && !notSecret(m[1] as string) && !PATH_VALUE.test(m[3] as string)) {
      out[i] = `${m[1]}=${REDACTED}`
      continue
    }
    if (SECRET_FLAG_ALONE.test(arg) && !notSecret(arg) && isSecretValue(next) && !done.has(i + 1)) {
      out[i + 1] = REDACTED
      i++
      continue
    }
    // aws configure set aws_secret_access_key X, redis-cli CONFIG SET requirepass X
    const afterVerb = SET_VERB.test(argv[i - 1] ?? '') || (argv[i - 1]?.startsWith('--') === true && SET_VERB.test(argv[i - 2] ?? ''))
    if (
      i > 1 &&
      afterVerb &&
      !arg.startsWith('-') &&
      !/^(?:set|get|unset|delete|view|use)-/i.test(arg) &&
      !arg.includes('=') &&
      SECRET_NAME.test(arg) &&
      !notSecret(arg) &&
      next !== undefined &&
      !done.has(i + 1)
    ) {
      out[i + 1] = REDACTED
      i++
      continue
    }
    if ((arg === '-u' || arg === '--user' || arg === '-U' || arg === '--proxy-user') && next !== undefined && next.includes(':')) {
      out[i + 1] = `${next.slice(0, next.indexOf(':'))}:${REDACTED}`
      i++
    }
  }
  return out
}

/** The redacted command line, arguments joined by spaces and cut to `max` characters plus `...`. */
export function redactCommandLine(argv: readonly string[], max = LOG_CMDLINE_MAX): string {
  const line = redactArgv(argv).join(' ')
  return line.length > max ? `${line.slice(0, max)}...` : line
}
