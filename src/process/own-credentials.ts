import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseCapEff, procHidepid } from './visibility.ts'
import type { VisibilityInput } from './visibility.ts'

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

export interface CredentialSources {
  readonly procfs: string
  readonly env: Readonly<Record<string, string | undefined>>
  readonly uid: number | undefined
  /** Root of the agent's own filesystem, for /.dockerenv and /run/.containerenv ('/' by default). */
  readonly ownRoot?: string
}

/**
 * Reads what the agent's view of other processes depends on: its own CapEff and mounts
 * from <procfs>/self (falling back to /proc/self when the procfs root is a fixture without
 * one), and whether it runs in a container (Kubernetes' service variables, the `container`
 * variable Podman and systemd-nspawn set, Docker's and Podman's marker files).
 */
export function readVisibilityInput(src: CredentialSources): VisibilityInput {
  const own = (file: string) => read(join(src.procfs, 'self', file)) ?? read(join('/proc/self', file))
  const status = own('status')
  const mountinfo = own('mountinfo') ?? ''
  const root = src.ownRoot ?? '/'
  const containerised =
    Boolean(src.env.KUBERNETES_SERVICE_HOST) || Boolean(src.env.container) || existsSync(join(root, '.dockerenv')) || existsSync(join(root, 'run/.containerenv'))
  return {
    uid: src.uid,
    capEff: status === undefined ? undefined : parseCapEff(status),
    hidepid: procHidepid(mountinfo, src.procfs),
    containerised,
  }
}
