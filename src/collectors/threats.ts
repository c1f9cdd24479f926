import { flagString } from '../config/config.ts'
import { fileFlagCheck } from '../config/file-flag.ts'
import { applyAllowlist, EMPTY_ALLOWLIST, parseAllowlist } from '../detectors/threats/allowlist.ts'
import type { Allowlist } from '../detectors/threats/allowlist.ts'
import { applyExemptions, dynamicFindings, staticFindings } from '../detectors/threats/evaluate.ts'
import { factsFor, isSustained, profileOf } from '../detectors/threats/facts.ts'
import type { Profile } from '../detectors/threats/facts.ts'
import { POOL_PORTS_STRONG } from '../detectors/threats/lists.ts'
import { ThreatTracker } from '../detectors/threats/tracker.ts'
import type { Observation } from '../detectors/threats/tracker.ts'
import type { Finding, ProcessFacts } from '../detectors/threats/types.ts'
import type { HostFS } from '../platform/host-fs.ts'
import type { ProcessPods } from '../containers/process-pods.ts'
import type { PodOfProcess } from '../containers/process-pods.ts'
import type { ProcessTables } from './process-table.ts'
import { SocketInspector } from '../process/sockets.ts'
import type { ProcessIdentity, ProcessRecord } from '../process/types.ts'
import { UserNames } from '../process/users.ts'
import { redactCommandLine } from '../security/redact.ts'
import type { CollectorEntry, CollectContext } from './types.ts'

/** Every this many ticks, all TCP tables are swept for mining-pool ports (not only suspects'). */
const SWEEP_EVERY_TICKS = 8

interface State {
  /** --detector.threats.allowlist; '' for none. */
  readonly allowlistPath: string
  readonly users: UserNames
  /** Names of the pod container a finding's process runs in (the containers collector's tiers). */
  readonly pods: ProcessPods
  readonly tracker: ThreatTracker
  readonly inspector: SocketInspector
  /** Static findings per exec image: they hold until comm (and so the identity) changes. */
  readonly staticCache: WeakMap<ProcessIdentity, { readonly comm: string; readonly findings: Finding[]; readonly profile: Profile }>
  allowlistSource: string | undefined
  allowlist: Allowlist
  tick: number
  active: readonly ActiveThreat[]
}

/** One process a rule fires for now, as the status page shows it: redacted, no PID. */
export interface ActiveThreat {
  readonly rule: string
  readonly category: string
  readonly severity: string
  readonly description: string
  readonly comm: string
  readonly user: string
  readonly container: boolean
  /** The pod's namespace and name where the container identity tiers name it, else ''. */
  readonly namespace: string
  readonly pod: string
  /** The Kubernetes container name, or a bare Docker/podman container's name, else ''. */
  readonly containerName: string
  /** Redacted (src/security/redact.ts) and cut to 512 characters. */
  readonly cmdline: string
}

/** Active findings kept for the status page, most severe first. */
export const MAX_ACTIVE_THREATS = 50
const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 }

/** The instance's state, made on its first run: the socket inspector needs the host it reads. */
function newState(fs: HostFS, processes: ProcessTables, allowlistPath: string): State {
  return {
    allowlistPath,
    users: new UserNames(fs),
    pods: processes.pods(fs),
    tracker: new ThreatTracker(),
    inspector: new SocketInspector(fs.procfs, processes.scannerFor(fs).files),
    staticCache: new WeakMap(),
    allowlistSource: undefined,
    allowlist: EMPTY_ALLOWLIST,
    tick: 0,
    active: [],
  }
}

async function loadAllowlist(ctx: CollectContext, state: State): Promise<void> {
  const path = state.allowlistPath
  if (path === '') {
    state.allowlist = EMPTY_ALLOWLIST
    state.allowlistSource = undefined
    return
  }
  let text: string
  try {
    text = await ctx.fs.readFile(path)
  } catch (err) {
    throw new Error(`couldn't read --detector.threats.allowlist ${path}: ${(err as Error).message}`, { cause: err })
  }
  const source = `${path}\0${text}`
  if (source !== state.allowlistSource) {
    state.allowlist = parseAllowlist(text, path)
    state.allowlistSource = source
  }
}

/** One JSON (or logfmt) line per new finding, for Loki; the command line is redacted. */
function logFinding(ctx: CollectContext, facts: ProcessFacts, f: Finding, where: PodOfProcess | undefined): void {
  ctx.log.warn('security finding', {
    rule: f.rule,
    category: f.category,
    severity: f.severity,
    description: f.description,
    detail: f.detail,
    pid: facts.pid,
    ppid: facts.ppid,
    user: facts.user,
    uid: facts.uid,
    comm: facts.comm,
    exe: facts.exe,
    parent: facts.ancestors[0]?.comm,
    container: facts.container,
    namespace: where?.namespace || undefined,
    pod: where?.pod || undefined,
    container_name: where?.container || where?.name || undefined,
    cmdline: redactCommandLine(facts.argv),
  })
}

export const threatsCollector: CollectorEntry = {
  // The name is the switch: --detector.threats / --no-detector.threats (see config.ts).
  name: 'detector.threats',
  defaultEnabled: true,
  help: 'Process threat detection: miners, reverse shells, privilege escalation, suspicious network tools, exfiltration, system modification, persistence, defense evasion (odin_security_*).',
  families: [
    { name: 'odin_security_active_threats', type: 'gauge', help: 'odin-agent: Processes for which the rule fires now.' },
    { name: 'odin_security_findings_total', type: 'counter', help: 'odin-agent: Process threat findings since the agent started, one per process and rule.' },
  ],
  flags: [
    {
      name: 'detector.threats.allowlist',
      kind: 'string',
      default: '',
      check: fileFlagCheck('an existing YAML allowlist (see docs/processes.md)', parseAllowlist),
      help: 'YAML allowlist of processes (exe glob, comm, cmdline regex, user, parent; optionally limited to rules) whose findings are dropped.',
    },
  ],
  create({ config, processes }) {
    const allowlistPath = flagString(config, 'detector.threats.allowlist')
    let made: State | undefined
    return {
      async collect(ctx) {
        made ??= newState(ctx.fs, processes, allowlistPath)
        const state = made
        await loadAllowlist(ctx, state)
        const table = await processes.table(ctx)
        const users = state.users
        await users.refresh(ctx.now())
        state.tick++

        // Pass 1: static findings (cached per exec image) and which processes need more work.
        const stdio: number[] = []
        const walk: number[] = []
        const toEvaluate: { readonly p: ProcessRecord; readonly found: readonly Finding[]; readonly dynamic: boolean }[] = []
        const cachedFor = (p: ProcessRecord) => {
          let cached = state.staticCache.get(p.identity)
          if (!cached || cached.comm !== p.comm) {
            const findings = p.kernelThread ? [] : staticFindings(factsFor(table, p, undefined, undefined, []))
            cached = { comm: p.comm, findings, profile: profileOf(p, findings.length) }
            state.staticCache.set(p.identity, cached)
          }
          return cached
        }
        for (const p of table.processes.values()) {
          if (p.kernelThread) {
            continue
          }
          const cached = cachedFor(p)
          const { shellLike, suspect } = cached.profile
          const sustained = isSustained(p, table.at)
          if (shellLike) {
            stdio.push(p.pid)
          }
          if (suspect || sustained) {
            walk.push(p.pid)
          }
          const parent = table.processes.get(p.ppid)
          const dynamic = shellLike || suspect || sustained || (p.uid !== undefined && p.uid !== p.euid) || (parent !== undefined && cachedFor(parent).profile.service)
          if (dynamic || cached.findings.length > 0) {
            toEvaluate.push({ p, found: cached.findings, dynamic })
          }
        }
        const sockets = state.inspector.inspect(table, {
          stdio,
          walk,
          // Only a shell or interpreter that may take its program from stdin (no -c/-e/-m) needs
          // the writer of its stdin pipe (network_pipe_to_interpreter).
          pipeWriterFor: (pid) => !(table.processes.get(pid)?.identity.argv ?? []).some((a) => /^-[a-zA-Z]*[cem][a-zA-Z]*$/.test(a)),
          sweep: state.tick % SWEEP_EVERY_TICKS === 1 ? (port) => POOL_PORTS_STRONG.has(port) : undefined,
        })

        // Pass 2: the rules over the few processes that can match.
        const observations: Observation[] = []
        const factsByProcess = new Map<string, ProcessFacts>()
        const podByProcess = new Map<string, PodOfProcess | undefined>()
        for (const { p, found, dynamic } of toEvaluate) {
          const facts = factsFor(table, p, users.name(p.euid ?? p.uid), sockets.get(p.pid))
          const findings = applyAllowlist(state.allowlist, facts, applyExemptions(facts, dynamic ? [...found, ...dynamicFindings(facts)] : found))
          if (findings.length > 0) {
            const key = `${p.pid}:${p.starttimeTicks}`
            observations.push({ process: key, findings })
            factsByProcess.set(key, facts)
            const cgroup = p.identity.containerCgroup
            podByProcess.set(key, cgroup === undefined ? undefined : await state.pods.of(cgroup, table.tick, ctx.now()))
          }
        }
        const alive = (process: string) => {
          const [pid, start] = process.split(':')
          return table.processes.get(Number(pid))?.starttimeTicks === Number(start)
        }
        const active: ActiveThreat[] = []
        for (const o of observations) {
          const facts = factsByProcess.get(o.process)
          for (const f of facts ? o.findings : []) {
            const { comm, user = '', container, argv } = facts as ProcessFacts
            const where = podByProcess.get(o.process)
            const names = { namespace: where?.namespace ?? '', pod: where?.pod ?? '', containerName: where?.container || where?.name || '' }
            active.push({
              rule: f.rule,
              category: f.category,
              severity: f.severity,
              description: f.description,
              comm,
              user,
              container,
              ...names,
              cmdline: redactCommandLine(argv, 512),
            })
          }
        }
        active.sort((a, b) => (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || a.rule.localeCompare(b.rule))
        state.active = active.slice(0, MAX_ACTIVE_THREATS)
        ctx.publish?.(state.active)
        for (const n of state.tracker.update(alive, observations)) {
          const facts = factsByProcess.get(n.process)
          if (facts) {
            logFinding(ctx, facts, n.finding, podByProcess.get(n.process))
          }
        }
        return state.tracker.families()
      },
    }
  },
}
