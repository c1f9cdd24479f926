import type { ProcessRecord, ProcessTable } from './types.ts'

/** process-exporter's state names: R, S, D, Z and everything else. */
export const STATES = ['Running', 'Sleeping', 'Waiting', 'Zombie', 'Other'] as const
export type StateName = (typeof STATES)[number]

export function stateName(state: string): StateName {
  switch (state) {
    case 'R':
      return 'Running'
    case 'S':
      return 'Sleeping'
    case 'D':
      return 'Waiting'
    case 'Z':
      return 'Zombie'
    default:
      return 'Other'
  }
}

/** Counters summed per group; they never go down while the group is known. */
const COUNTERS = ['cpuUserSeconds', 'cpuSystemSeconds', 'readBytes', 'writeBytes', 'majorFaults', 'minorFaults', 'voluntaryCtxtSwitches', 'nonvoluntaryCtxtSwitches'] as const
type CounterName = (typeof COUNTERS)[number]
export type GroupCounters = Record<CounterName, number>

export interface GroupSample {
  readonly name: string
  readonly counters: Readonly<GroupCounters>
  readonly procs: number
  readonly residentBytes: number
  readonly virtualBytes: number
  readonly swappedBytes: number
  readonly openFds: number
  readonly threads: number
  readonly states: Readonly<Record<StateName, number>>
  /** Oldest start time among current members; undefined when the group has none now. */
  readonly oldestStartSeconds?: number
}

interface Tracked {
  readonly starttime: number
  readonly group: string
  /** The record last counted: an unchanged record (an idle process) adds nothing. */
  readonly record: ProcessRecord
}

interface GroupState {
  readonly counters: GroupCounters
  lastSeen: number
}

const zeroCounters = (): GroupCounters => ({
  cpuUserSeconds: 0,
  cpuSystemSeconds: 0,
  readBytes: 0,
  writeBytes: 0,
  majorFaults: 0,
  minorFaults: 0,
  voluntaryCtxtSwitches: 0,
  nonvoluntaryCtxtSwitches: 0,
})

/** Groups that had no member for this long are forgotten (their counters restart if they return). */
export const IDLE_GROUP_TTL_MS = 10 * 60_000

/**
 * Sums processes into named groups the way process-exporter does: counters add each
 * member's growth since the last tick (a new member adds all it has used), so a group's
 * counters keep what exited members used and never decrease.
 */
export class NamegroupAccumulator {
  private tracked = new Map<number, Tracked>()
  private readonly groups = new Map<string, GroupState>()

  update(table: ProcessTable, groupOf: (p: ProcessRecord) => string | undefined): GroupSample[] {
    const now = table.at
    const live = new Map<number, Tracked>()
    const samples = new Map<
      string,
      {
        counters: GroupCounters
        procs: number
        residentBytes: number
        virtualBytes: number
        swappedBytes: number
        openFds: number
        threads: number
        states: Record<StateName, number>
        oldestStartSeconds?: number
      }
    >()
    for (const p of table.processes.values()) {
      const group = groupOf(p)
      if (group === undefined) {
        continue
      }
      let state = this.groups.get(group)
      if (!state) {
        state = { counters: zeroCounters(), lastSeen: now }
        this.groups.set(group, state)
      }
      state.lastSeen = now
      const prev = this.tracked.get(p.pid)
      const same = prev !== undefined && prev.starttime === p.starttimeTicks && prev.group === group
      if (!same || prev.record !== p) {
        for (const c of COUNTERS) {
          const base = same ? (prev.record[c] ?? 0) : 0
          state.counters[c] += Math.max(0, (p[c] ?? 0) - base)
        }
      }
      live.set(p.pid, same && prev.record === p ? prev : { starttime: p.starttimeTicks, group, record: p })
      let s = samples.get(group)
      if (!s) {
        s = {
          counters: state.counters,
          procs: 0,
          residentBytes: 0,
          virtualBytes: 0,
          swappedBytes: 0,
          openFds: 0,
          threads: 0,
          states: { Running: 0, Sleeping: 0, Waiting: 0, Zombie: 0, Other: 0 },
        }
        samples.set(group, s)
      }
      s.procs++
      s.residentBytes += p.residentBytes ?? 0
      s.virtualBytes += p.virtualBytes ?? 0
      s.swappedBytes += p.swappedBytes ?? 0
      s.openFds += p.openFds ?? 0
      s.threads += p.numThreads
      s.states[stateName(p.state)]++
      if (s.oldestStartSeconds === undefined || p.startTimeSeconds < s.oldestStartSeconds) {
        s.oldestStartSeconds = p.startTimeSeconds
      }
    }
    this.tracked = live
    const out: GroupSample[] = []
    for (const [name, state] of this.groups) {
      const s = samples.get(name)
      if (s) {
        out.push({ name, ...s, counters: { ...s.counters } })
      } else if (now - state.lastSeen > IDLE_GROUP_TTL_MS) {
        this.groups.delete(name)
      } else {
        out.push({
          name,
          counters: { ...state.counters },
          procs: 0,
          residentBytes: 0,
          virtualBytes: 0,
          swappedBytes: 0,
          openFds: 0,
          threads: 0,
          states: { Running: 0, Sleeping: 0, Waiting: 0, Zombie: 0, Other: 0 },
        })
      }
    }
    return out
  }
}
