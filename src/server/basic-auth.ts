import { createHash } from 'node:crypto'

/** Checks a password against a bcrypt hash; the edge passes Bun.password.verify, tests bcryptjs. */
export type VerifyPassword = (password: string, hash: string) => Promise<boolean>

/**
 * Compared against when the user is unknown, so a wrong user name takes as long as a wrong
 * password (exporter-toolkit does the same). The hash of a random string nobody knows.
 */
const DUMMY_HASH = '$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi'
const CACHE_SIZE = 100

/** `Basic base64(user:password)` to its parts, or undefined when it is not one. */
export function parseBasicAuthorization(header: string | null | undefined): { user: string; password: string } | undefined {
  const m = header ? /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header) : null
  if (!m) {
    return undefined
  }
  const decoded = Buffer.from(m[1] as string, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

/**
 * exporter-toolkit's `basic_auth_users`: bcrypt hashes, a successful check cached so that
 * Prometheus' scrape every 15 s does not pay bcrypt's ~50 ms each time. The cache key is a
 * digest of the user, the hash AND the password (CVE-2022-46146: a key without the hash let
 * a password keep working after its hash was changed). Only successes are cached; a miss
 * pays bcrypt, one at a time, so a flood of wrong passwords queues instead of taking every
 * core.
 */
export class BasicAuth {
  private users: ReadonlyMap<string, string> = new Map()
  private readonly cache = new Set<string>()
  private queue: Promise<unknown> = Promise.resolve()
  private verifications = 0

  constructor(private readonly verify: VerifyPassword) {}

  get enabled(): boolean {
    return this.users.size > 0
  }

  /** bcrypt runs so far (tests check the cache). */
  get bcryptRuns(): number {
    return this.verifications
  }

  setUsers(users: ReadonlyMap<string, string>): void {
    this.users = users
  }

  /** True when no users are configured, or the header names one with the right password. */
  async check(authorization: string | null | undefined): Promise<boolean> {
    if (this.users.size === 0) {
      return true
    }
    const creds = parseBasicAuthorization(authorization)
    if (!creds) {
      return false
    }
    const known = this.users.get(creds.user)
    const hash = known ?? DUMMY_HASH
    const key = createHash('sha256').update(`${creds.user.length}:${creds.user}\0${hash}\0${creds.password}`).digest('base64')
    if (known !== undefined && this.cache.has(key)) {
      return true
    }
    const run = this.queue.then(() => {
      this.verifications++
      return this.verify(creds.password, hash).catch(() => false)
    })
    this.queue = run
    const ok = (await run) && known !== undefined
    if (ok) {
      if (this.cache.size >= CACHE_SIZE) {
        const oldest = this.cache.values().next().value
        if (oldest !== undefined) {
          this.cache.delete(oldest)
        }
      }
      this.cache.add(key)
    }
    return ok
  }
}
