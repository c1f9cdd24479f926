import type { FamilyDecl } from '../metrics/declared.ts'
import { Families } from '../metrics/families.ts'
import type { MetricFamily } from '../metrics/types.ts'
import { parseMountInfo } from '../procfs/mountinfo.ts'

/**
 * What the agent can see of other processes, decided once at start from its own
 * credentials and the procfs mount: the per-process collectors (namedprocess, threats)
 * silently see fewer processes, or fewer of their files, when it is limited.
 */

/** Capability bits (linux/capability.h) that reading other users' /proc/PID needs. */
export const CAPABILITIES = {
  CAP_DAC_OVERRIDE: 1,
  CAP_DAC_READ_SEARCH: 2,
  CAP_SYS_PTRACE: 19,
} as const

/** The capabilities the DaemonSet grants (k8s/base/agent/daemonset.yaml): all others dropped. */
const MANIFEST_CAPABILITIES = (1n << BigInt(CAPABILITIES.CAP_SYS_PTRACE)) | (1n << BigInt(CAPABILITIES.CAP_DAC_READ_SEARCH))

export interface VisibilityInput {
  /** Effective user ID; undefined where the runtime has none. */
  readonly uid: number | undefined
  /** CapEff of the agent's own status file; undefined when unreadable. */
  readonly capEff: bigint | undefined
  /** The hidepid option of the procfs mount ('' when none or off). */
  readonly hidepid: string
  /** Whether the agent runs in a container (Kubernetes, Docker, Podman). */
  readonly containerised: boolean
}

export type VisibilityLimit = 'unprivileged' | 'no_cap_sys_ptrace' | 'no_cap_dac_read_search' | 'hidepid'
export const VISIBILITY_LIMITS: readonly VisibilityLimit[] = ['unprivileged', 'no_cap_sys_ptrace', 'no_cap_dac_read_search', 'hidepid']

const LIMIT_TEXT: Record<VisibilityLimit, string> = {
  unprivileged: 'running as an unprivileged user without CAP_SYS_PTRACE: processes of other users are read only in part',
  no_cap_sys_ptrace: "CAP_SYS_PTRACE missing: other users' /proc/PID/{io,exe,environ} cannot be read",
  no_cap_dac_read_search: "CAP_DAC_READ_SEARCH missing: other users' /proc/PID/fd cannot be listed (no sockets, no open files)",
  hidepid: 'procfs is mounted with hidepid: processes of other users are invisible',
}

export interface Visibility {
  readonly input: VisibilityInput
  /** Effective capabilities by name; undefined when CapEff could not be read. */
  readonly capabilities: Readonly<Record<'CAP_SYS_PTRACE' | 'CAP_DAC_READ_SEARCH', boolean>> | undefined
  readonly limits: readonly VisibilityLimit[]
  /** Whether "running as root" deserves a warning: root where root is not the design. */
  readonly rootWarning: boolean
}

/** CapEff from /proc/PID/status (hex, up to 64 bits); undefined when absent or malformed. */
export function parseCapEff(status: string): bigint | undefined {
  const m = /^CapEff:\s*([0-9a-fA-F]{1,16})\s*$/m.exec(status)
  return m ? BigInt(`0x${m[1]}`) : undefined
}

/**
 * The hidepid option of the proc mount at `procfs` (or, when that path is no mount point of
 * the given mountinfo, of /proc): '' when absent, 0 or off (proc(5): hidepid=0|1|2|4 or
 * off|noaccess|invisible|ptraceable).
 */
export function procHidepid(mountinfo: string, procfs: string): string {
  const procs = parseMountInfo(mountinfo).filter((m) => m.fsType === 'proc')
  const mount = procs.find((m) => m.mountPoint === procfs) ?? procs.find((m) => m.mountPoint === '/proc')
  const opt = [...(mount?.superOptions ?? []), ...(mount?.options ?? [])].find((o) => o.startsWith('hidepid='))
  const value = opt?.slice('hidepid='.length) ?? ''
  return value === '0' || value === 'off' ? '' : value
}

const has = (capEff: bigint, bit: number) => (capEff & (1n << BigInt(bit))) !== 0n

/** Decides capabilities, limits and the root warning from what was read. */
export function assessVisibility(input: VisibilityInput): Visibility {
  const { capEff, uid } = input
  // Unknown CapEff: root is assumed to hold every capability, anyone else none.
  const cap = (bit: number) => (capEff === undefined ? uid === 0 : has(capEff, bit))
  const ptrace = cap(CAPABILITIES.CAP_SYS_PTRACE)
  const readSearch = cap(CAPABILITIES.CAP_DAC_READ_SEARCH) || cap(CAPABILITIES.CAP_DAC_OVERRIDE)
  const limits: VisibilityLimit[] = []
  if (uid !== undefined && uid !== 0 && !ptrace) limits.push('unprivileged')
  if (!ptrace) limits.push('no_cap_sys_ptrace')
  if (!readSearch) limits.push('no_cap_dac_read_search')
  // CAP_SYS_PTRACE passes hidepid's ptrace check (proc(5)), so it limits only without it.
  if (input.hidepid !== '' && !ptrace) limits.push('hidepid')
  // Root is the design in the DaemonSet: a container holding no more than the two
  // capabilities the manifest adds. Root anywhere else deserves the warning.
  const asDesigned = input.containerised && capEff !== undefined && (capEff & ~MANIFEST_CAPABILITIES) === 0n
  return {
    input,
    capabilities:
      capEff === undefined ? undefined : { CAP_SYS_PTRACE: has(capEff, CAPABILITIES.CAP_SYS_PTRACE), CAP_DAC_READ_SEARCH: has(capEff, CAPABILITIES.CAP_DAC_READ_SEARCH) },
    limits,
    rootWarning: uid === 0 && !asDesigned,
  }
}

/** One sentence per limit, for the start-up log and the status page. */
export function describeLimit(limit: VisibilityLimit): string {
  return LIMIT_TEXT[limit]
}

const CAPABILITIES_DECL = {
  name: 'odin_agent_capabilities',
  type: 'gauge',
  help: "odin-agent: Whether the agent's effective capability set holds the capability (1) or not (0), read from its /proc/self/status at start.",
} as const satisfies FamilyDecl
const VISIBILITY_DECL = {
  name: 'odin_agent_process_visibility',
  type: 'gauge',
  help: 'odin-agent: 1 when the agent can see and read every process, 0 when odin_agent_process_visibility_limit names what hides processes or their files.',
} as const satisfies FamilyDecl
const LIMIT_DECL = {
  name: 'odin_agent_process_visibility_limit',
  type: 'gauge',
  help: 'odin-agent: Whether this reason limits what the agent sees of other processes (unprivileged, no_cap_sys_ptrace, no_cap_dac_read_search, hidepid).',
} as const satisfies FamilyDecl
/** What visibilityFamilies emits. */
export const VISIBILITY_FAMILIES: readonly FamilyDecl[] = [CAPABILITIES_DECL, VISIBILITY_DECL, LIMIT_DECL]

export function visibilityFamilies(v: Visibility): MetricFamily[] {
  const f = new Families()
  for (const [capability, on] of Object.entries(v.capabilities ?? {})) {
    f.put(CAPABILITIES_DECL, on ? 1 : 0, { capability })
  }
  f.put(VISIBILITY_DECL, v.limits.length === 0 ? 1 : 0)
  for (const reason of VISIBILITY_LIMITS) {
    f.put(LIMIT_DECL, v.limits.includes(reason) ? 1 : 0, { reason })
  }
  return f.list()
}
