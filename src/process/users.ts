import type { HostFS } from '../platform/host-fs.ts'

/** Parses /etc/passwd into uid -> name. Malformed lines are skipped. */
export function parsePasswd(text: string): Map<number, string> {
  const out = new Map<number, string>()
  for (const line of text.split(/\r?\n/)) {
    const f = line.split(':')
    if (f.length >= 3 && f[0] && /^\d+$/.test(f[2] as string) && !out.has(Number(f[2]))) {
      out.set(Number(f[2]), f[0])
    }
  }
  return out
}

const RELOAD_MS = 60_000

/** uid -> user name from the host's /etc/passwd (--path.rootfs), re-read once a minute. */
export class UserNames {
  private names = new Map<number, string>()
  private loadedAt = Number.NEGATIVE_INFINITY

  constructor(private readonly fs: HostFS) {}

  async refresh(now: number): Promise<void> {
    if (now - this.loadedAt < RELOAD_MS) {
      return
    }
    this.loadedAt = now
    try {
      this.names = parsePasswd(await this.fs.readFile(this.fs.root('etc', 'passwd')))
    } catch {
      // no readable passwd (distroless host root): numeric uids only
      this.names = new Map([[0, 'root']])
    }
  }

  /** The user name, or the uid as text when unknown (container users). */
  name(uid: number | undefined): string {
    if (uid === undefined) {
      return ''
    }
    return this.names.get(uid) ?? String(uid)
  }
}
