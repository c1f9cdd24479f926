import { BasicAuth } from './basic-auth.ts'
import type { VerifyPassword } from './basic-auth.ts'
import { loadWebConfig } from './web-tls.ts'
import type { LoadedWebConfig, ReadText, TlsServeOptions } from './web-tls.ts'

export type ReloadOutcome =
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'applied'; readonly tlsChanged: boolean; readonly warnings: readonly string[] }
  | { readonly kind: 'rejected'; readonly error: string }

/**
 * The web config in force. Built from a good file (a bad one throws FlagError: the agent
 * does not start); a later bad rewrite is rejected and the last good config stays.
 * Users and headers change in place; a TLS change is reported so the listener restarts.
 */
export class WebConfigState {
  readonly auth: BasicAuth
  private current: LoadedWebConfig

  constructor(
    readonly file: string,
    private readonly read: ReadText,
    private readonly now: () => number,
    verify: VerifyPassword,
  ) {
    this.current = loadWebConfig(file, read, now())
    this.auth = new BasicAuth(verify)
    this.auth.setUsers(this.current.config.users)
  }

  get warnings(): readonly string[] {
    return this.current.warnings
  }

  readonly headers = (): Readonly<Record<string, string>> => this.current.config.headers

  tls(): TlsServeOptions | undefined {
    return this.current.tls
  }

  reload(): ReloadOutcome {
    let next: LoadedWebConfig
    try {
      next = loadWebConfig(this.file, this.read, this.now())
    } catch (err) {
      return { kind: 'rejected', error: err instanceof Error ? err.message : String(err) }
    }
    if (next.fingerprint === this.current.fingerprint) {
      return { kind: 'unchanged' }
    }
    const tlsChanged = JSON.stringify(next.tls ?? null) !== JSON.stringify(this.current.tls ?? null)
    this.current = next
    this.auth.setUsers(next.config.users)
    return { kind: 'applied', tlsChanged, warnings: next.warnings }
  }
}
