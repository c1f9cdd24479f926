import type { ContainerCgroup } from '../procfs/cgroup-path.ts'

/** What a process is, as far as its command goes; changes only on exec or argv rewrite. */
export interface ProcessIdentity {
  /** argv from /proc/PID/cmdline, raw (never exported without redaction). Empty for kernel threads. */
  readonly argv: readonly string[]
  /** Target of /proc/PID/exe without the " (deleted)" suffix; undefined when unreadable. */
  readonly exe?: string
  /** The executable was deleted (or replaced) after the process started. */
  readonly exeDeleted: boolean
  readonly cwd?: string
  /** The process runs in a container (its cgroup path names a container runtime or kubepods). */
  readonly container: boolean
  /** The pod or Docker/podman container cgroup the process is in (pod UID, container ID), when its path names one. */
  readonly containerCgroup?: ContainerCgroup
  /** Network namespace, as the link text `net:[4026531840]`; undefined when unreadable. */
  readonly netns?: string
}

/** One process in one sampler tick. Counters are cumulative since the process started. */
export interface ProcessRecord {
  readonly pid: number
  readonly ppid: number
  readonly comm: string
  /** One-letter state from /proc/PID/stat (R, S, D, Z, T, I, ...). */
  readonly state: string
  readonly kernelThread: boolean
  /** Start time in clock ticks after boot: with pid, the identity of a process across ticks. */
  readonly starttimeTicks: number
  readonly startTimeSeconds: number
  readonly numThreads: number
  readonly cpuUserSeconds: number
  readonly cpuSystemSeconds: number
  readonly minorFaults: number
  readonly majorFaults: number
  readonly uid?: number
  readonly euid?: number
  readonly residentBytes?: number
  readonly virtualBytes?: number
  readonly swappedBytes?: number
  readonly voluntaryCtxtSwitches?: number
  readonly nonvoluntaryCtxtSwitches?: number
  /** Undefined when /proc/PID/io is unreadable (another user's process without privileges). */
  readonly readBytes?: number
  readonly writeBytes?: number
  readonly openFds?: number
  /** CPU cores used since the previous tick; undefined on first sight. */
  readonly cpuCores?: number
  readonly identity: ProcessIdentity
}

export type ReadErrorReason = 'vanished' | 'permission' | 'parse' | 'other'

/** The result of one /proc walk, shared by every consumer in a sampler tick. */
export interface ProcessTable {
  /** Milliseconds since the epoch when the walk started. */
  readonly at: number
  readonly tick: number
  readonly bootTimeSeconds: number
  readonly processes: ReadonlyMap<number, ProcessRecord>
  /** Read failures since the scanner started, by reason. */
  readonly readErrors: Readonly<Record<ReadErrorReason, number>>
}
