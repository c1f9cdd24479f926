/**
 * Where particular tools take a secret by position or by a short flag the generic rules in
 * redact.ts cannot know (`-p`, `-a`, `-k`, `htpasswd -b file user PASS`, `vault login TOKEN`).
 * Each rule writes REDACTED into `out` and marks the positions it decided in `done`.
 */
const R = '***'

export interface ToolRule {
  readonly applies: (tool: string, argv: readonly string[]) => boolean
  readonly redact: (argv: readonly string[], out: string[], done: Set<number>) => void
}

/** Flags that say "the next -p is a password": a user name given on the same command. */
const USER_FLAG = /^(?:-u|-U|--user(?:name)?|--login|login)$|^(?:-u\S+|--user(?:name)?=\S+)$/
/** Commands whose -p is a password whatever else is given. */
const PASSWORD_P = new Set(['sshpass', 'mysql', 'mysqladmin', 'mysqldump', 'mysqlimport', 'mysqlshow', 'mysqlcheck', 'mariadb', 'mariadb-dump'])
/** Commands whose `login` subcommand takes -p PASSWORD (docker login -p x). */
const LOGIN_P = new Set(['docker', 'podman', 'nerdctl', 'buildah', 'skopeo', 'helm', 'oras', 'az', 'crane'])
/** Commands whose -a is a password. */
const PASSWORD_A = new Set(['redis-cli', 'keydb-cli', 'valkey-cli'])

/** Redacts `-X value` and `-Xvalue` for one short flag. */
function shortFlag(flag: string) {
  return (argv: readonly string[], out: string[], done: Set<number>): void => {
    for (let i = 1; i < argv.length; i++) {
      const arg = argv[i] as string
      const next = argv[i + 1]
      if (arg === flag && next !== undefined && (!next.startsWith('-') || (!next.startsWith('--') && next.length > 2))) {
        out[i + 1] = R
        done.add(i).add(i + 1)
        i++
      } else if (arg.startsWith(flag) && arg.length > flag.length && !arg.startsWith('--')) {
        out[i] = `${flag}${R}`
        done.add(i)
      }
    }
  }
}

/** openssl -pass/-passin/-passout pass:x (file:, env:, fd:, stdin stay), -k x and -K hex. */
function openssl(argv: readonly string[], out: string[], done: Set<number>): void {
  for (let i = 1; i + 1 < argv.length; i++) {
    const arg = argv[i] as string
    const next = argv[i + 1] as string
    if (/^-(?:pass|passin|passout|password|kdf_pass)$/.test(arg)) {
      out[i + 1] = next.startsWith('pass:') ? `pass:${R}` : /^(?:file|env|fd):|^stdin$/.test(next) ? next : R
    } else if (arg === '-k' || arg === '-K' || (arg === '-key' && !next.includes('/') && !next.includes('.'))) {
      out[i + 1] = R
    } else {
      continue
    }
    done.add(i).add(i + 1)
    i++
  }
}

/** htpasswd -b[c...] file user PASSWORD, htpasswd -nb user PASSWORD: the last argument. */
function htpasswd(argv: readonly string[], out: string[], done: Set<number>): void {
  const last = argv.length - 1
  if (last > 1 && argv.some((a) => /^-[a-zA-Z]*b[a-zA-Z]*$/.test(a)) && !(argv[last] as string).startsWith('-')) {
    out[last] = R
    done.add(last)
  }
}

/** vault login TOKEN; vault kv put path k=v / vault write path k=v: every value is a secret. */
function vault(argv: readonly string[], out: string[], done: Set<number>): void {
  const verbs = argv.filter((a, i) => i > 0 && !a.startsWith('-'))
  if (verbs[0] === 'login') {
    const i = argv.indexOf('login')
    for (let j = i + 1; j < argv.length; j++) {
      const a = argv[j] as string
      if (!a.startsWith('-') && !a.includes('=')) {
        out[j] = R
        done.add(j)
      }
    }
  }
  const writes = verbs[0] === 'write' || (verbs[0] === 'kv' && /^(?:put|patch)$/.test(verbs[1] ?? ''))
  for (let j = 1; j < argv.length; j++) {
    const a = argv[j] as string
    const eq = a.indexOf('=')
    if (!a.startsWith('-') && eq > 0 && (writes || /(?:^|_)(?:token|secret_id|password)$/i.test(a.slice(0, eq)))) {
      out[j] = `${a.slice(0, eq)}=${R}`
      done.add(j)
    }
  }
}

/** kubectl create secret ... --from-literal=key=VALUE. */
function kubectl(argv: readonly string[], out: string[], done: Set<number>): void {
  for (let i = 1; i < argv.length; i++) {
    const m = /^(--from-literal=[^=]*)=/.exec(argv[i] as string)
    if (m) {
      out[i] = `${m[1]}=${R}`
      done.add(i)
    }
  }
}

/** redis-cli AUTH [user] PASSWORD: the last argument. */
function redisAuth(argv: readonly string[], out: string[], done: Set<number>): void {
  const i = argv.findIndex((a, j) => j > 0 && /^auth$/i.test(a))
  if (i > 0 && i + 1 < argv.length) {
    out[argv.length - 1] = R
    done.add(argv.length - 1)
  }
}

export const TOOL_RULES: readonly ToolRule[] = [
  {
    applies: (tool, argv) => PASSWORD_P.has(tool) || argv.some((a) => USER_FLAG.test(a)) || (LOGIN_P.has(tool) && argv.includes('login')),
    redact: shortFlag('-p'),
  },
  { applies: (tool) => PASSWORD_A.has(tool), redact: shortFlag('-a') },
  { applies: (tool) => PASSWORD_A.has(tool), redact: redisAuth },
  { applies: (tool) => tool === 'openssl', redact: openssl },
  { applies: (tool) => tool === 'htpasswd', redact: htpasswd },
  { applies: (tool) => tool === 'vault', redact: vault },
  { applies: (tool) => tool === 'kubectl' || tool === 'oc', redact: kubectl },
]
