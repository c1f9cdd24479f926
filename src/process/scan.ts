import { isNotFound } from '../platform/host-fs.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { isKernelThread, parsePidStat } from '../procfs/pid-stat.ts'
import type { PidStat } from '../procfs/pid-stat.ts'
import { parsePidStatus } from '../procfs/pid-status.ts'
import { parsePidIo } from '../procfs/pid-io.ts'
import { containerOfProcCgroup } from '../procfs/cgroup-path.ts'
import { KERNEL_IDENTITY, cgroupIsContainer, parseCmdline, parseExeLink } from './identity.ts'
import { createProcFiles } from '../platform/proc-files.ts'
import type { ProcFiles } from '../platform/proc-files.ts'
import type { ProcessIdentity, ProcessRecord, ProcessTable, ReadErrorReason } from './types.ts'
import { join } from 'node:path'

/** USER_HZ: the unit of /proc/PID/stat times on every mainstream Linux architecture. */
export const CLOCK_TICKS = 100

export interface ScannerOptions {
  /** The procfs root (ctx.fs.procfs). */
  readonly procfs: string
  readonly files?: ProcFiles
  /**
   * Processes that did not run since the last tick keep their record; every process is
   * still re-read in full at least once per this many ticks (memory can change under
   * reclaim without the process running). 1 re-reads everything every tick.
   */
  readonly refreshEvery?: number
  /** Yield to the event loop after this many processes, so /metrics stays responsive. */
  readonly yieldEvery?: number
}

interface Entry {
  readonly pid: number
  starttime: number
  statFd?: number
  schedFd?: number
  statRaw: string
  /** PidStat.argSpan when last read: a change means an exec. */
  argSpan?: string | undefined
  schedRaw?: Uint8Array
  record: ProcessRecord
  at: number
  /** Optional files this process denied us (EACCES, EPERM): counted once, retried on refresh. */
  readonly denied: Set<string>
}

/** Thrown when a process disappears between two reads of its files. */
class VanishedError extends Error {
  override readonly name = 'VanishedError'
}

export function readErrorReason(err: unknown): ReadErrorReason {
  if (err instanceof VanishedError || isNotFound(err)) {
    return 'vanished'
  }
  const code = (err as { code?: string } | null)?.code
  if (code === 'ESRCH') {
    return 'vanished'
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return 'permission'
  }
  return err instanceof ParseError ? 'parse' : 'other'
}

const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Walks /proc once per tick and keeps what it learnt between ticks: descriptors held on
 * each process's stat and schedstat files, the last record, and the read-error counts.
 * A single-threaded process whose schedstat (run time, switches) is unchanged did not
 * run, so its record is reused without reading stat, status, io or fd again.
 */
export class ProcessScanner {
  readonly files: ProcFiles
  private readonly entries = new Map<number, Entry>()
  private readonly errors: Record<ReadErrorReason, number> = { vanished: 0, permission: 0, parse: 0, other: 0 }
  private readonly refreshEvery: number
  private readonly yieldEvery: number
  private tick = 0
  private bootTime: number | undefined

  constructor(private readonly options: ScannerOptions) {
    this.files = options.files ?? createProcFiles(4096, options.procfs)
    this.refreshEvery = Math.max(1, options.refreshEvery ?? 64)
    this.yieldEvery = options.yieldEvery ?? 256
  }

  private path(pid: number, file: string): string {
    return join(this.options.procfs, String(pid), file)
  }

  private count(err: unknown): void {
    this.errors[readErrorReason(err)]++
  }

  private bootTimeSeconds(): number {
    if (this.bootTime === undefined) {
      try {
        const m = /^btime (\d+)/m.exec(this.files.read(join(this.options.procfs, 'stat')))
        this.bootTime = m ? Number(m[1]) : 0
      } catch {
        this.bootTime = 0
      }
    }
    return this.bootTime
  }

  async scan(now: number): Promise<ProcessTable> {
    const tick = ++this.tick
    const names = this.files.readdir(this.options.procfs)
    const processes = new Map<number, ProcessRecord>()
    const boot = this.bootTimeSeconds()
    let n = 0
    for (const name of names) {
      const c = name.charCodeAt(0)
      if (c < 48 || c > 57) {
        continue
      }
      const pid = Number(name)
      const entry = this.entries.get(pid)
      try {
        const record = entry ? this.update(entry, now, boot) : this.discover(pid, now, boot)
        processes.set(pid, record)
      } catch (err) {
        this.count(err)
        if (entry) {
          this.forget(entry)
        }
      }
      if (++n % this.yieldEvery === 0) {
        await yieldToLoop()
      }
    }
    for (const entry of this.entries.values()) {
      if (!processes.has(entry.pid)) {
        this.forget(entry)
      }
    }
    return { at: now, tick, bootTimeSeconds: boot, processes, readErrors: { ...this.errors } }
  }

  /** Releases every held descriptor. */
  close(): void {
    for (const entry of this.entries.values()) {
      this.forget(entry)
    }
  }

  private forget(entry: Entry): void {
    if (entry.statFd !== undefined) {
      this.files.release(entry.statFd)
    }
    if (entry.schedFd !== undefined) {
      this.files.release(entry.schedFd)
    }
    this.entries.delete(entry.pid)
  }

  private discover(pid: number, now: number, boot: number): ProcessRecord {
    const statPath = this.path(pid, 'stat')
    const statFd = this.files.hold(statPath)
    let schedFd: number | undefined
    try {
      const statRaw = statFd === undefined ? this.files.read(statPath) : this.files.reread(statFd)
      const stat = parsePidStat(statRaw)
      let schedRaw: Uint8Array | undefined
      if (stat.numThreads === 1) {
        schedFd = this.optionalHold(this.path(pid, 'schedstat'))
        schedRaw = schedFd === undefined ? undefined : this.files.rereadIfChanged(schedFd, undefined)
      }
      const denied = new Set<string>()
      const record = this.build(pid, stat, now, boot, undefined, undefined, denied, true)
      this.entries.set(pid, { pid, starttime: stat.starttime, statFd, schedFd, statRaw, argSpan: stat.argSpan, schedRaw, record, at: now, denied })
      return record
    } catch (err) {
      for (const fd of [statFd, schedFd]) {
        if (fd !== undefined) {
          this.files.release(fd)
        }
      }
      throw err
    }
  }

  /** Holds a file that may not exist (schedstat needs CONFIG_SCHED_INFO; fixtures may lack it). */
  private optionalHold(path: string): number | undefined {
    try {
      return this.files.hold(path)
    } catch (err) {
      if (isNotFound(err)) {
        return undefined
      }
      throw err
    }
  }

  private update(entry: Entry, now: number, boot: number): ProcessRecord {
    const forced = (this.tick + entry.pid) % this.refreshEvery === 0
    const gate = this.refreshEvery > 1
    let schedChanged = true
    if (entry.schedFd !== undefined) {
      const sched = this.files.rereadIfChanged(entry.schedFd, entry.schedRaw)
      if (sched?.length === 0) {
        throw new VanishedError(`process ${entry.pid} exited`)
      }
      schedChanged = sched !== undefined
      entry.schedRaw = sched ?? entry.schedRaw
      if (gate && !schedChanged && entry.record.numThreads === 1) {
        return forced ? this.refreshMemory(entry, now) : this.unchanged(entry, now)
      }
    }
    const statRaw = entry.statFd === undefined ? this.files.read(this.path(entry.pid, 'stat')) : this.files.reread(entry.statFd)
    if (statRaw === '') {
      throw new VanishedError(`process ${entry.pid} exited`)
    }
    if (gate && statRaw === entry.statRaw && !schedChanged) {
      return forced ? this.refreshMemory(entry, now) : this.unchanged(entry, now)
    }
    const stat = parsePidStat(statRaw)
    if (stat.starttime !== entry.starttime) {
      // Read by path (no descriptor budget left) and the PID now names another process.
      this.forget(entry)
      return this.discover(entry.pid, now, boot)
    }
    // It ran: counters are re-read; what it is (argv, exe) only after an exec (a new comm,
    // or argv moved: a forked `sh` that became another `sh`) or on its periodic refresh,
    // which also catches argv rewritten in place.
    const prev = entry.record
    const execed = stat.comm !== prev.comm || stat.argSpan !== entry.argSpan
    entry.argSpan = stat.argSpan
    const identity = forced || execed ? undefined : prev.identity
    entry.record = this.build(entry.pid, stat, now, boot, { record: prev, at: entry.at }, identity, entry.denied, forced)
    entry.statRaw = statRaw
    entry.at = now
    return entry.record
  }

  /**
   * A process that did not run can still lose resident pages to reclaim and swap: its
   * memory is re-read on the periodic refresh, nothing else (an idle process cannot do I/O,
   * open files or rewrite its argv).
   */
  private refreshMemory(entry: Entry, now: number): ProcessRecord {
    const status = parsePidStatus(this.files.read(this.path(entry.pid, 'status')))
    entry.record = {
      ...entry.record,
      residentBytes: status.vmRssBytes ?? 0,
      virtualBytes: status.vmSizeBytes ?? 0,
      swappedBytes: status.vmSwapBytes ?? 0,
      cpuCores: 0,
    }
    entry.at = now
    return entry.record
  }

  private unchanged(entry: Entry, now: number): ProcessRecord {
    if (entry.record.cpuCores !== 0) {
      entry.record = { ...entry.record, cpuCores: 0 }
    }
    entry.at = now
    return entry.record
  }

  private build(
    pid: number,
    stat: PidStat,
    now: number,
    boot: number,
    previous: { record: ProcessRecord; at: number } | undefined,
    identity: ProcessIdentity | undefined,
    denied: Set<string>,
    retryDenied: boolean,
  ): ProcessRecord {
    const prev = previous?.record
    const kernel = isKernelThread(stat)
    const zombie = stat.state === 'Z' || stat.state === 'X'
    const status = parsePidStatus(this.files.read(this.path(pid, 'status')))
    const opt = { pid, denied, retryDenied }
    const io = kernel || zombie ? undefined : this.optional(opt, 'io', () => parsePidIo(this.files.read(this.path(pid, 'io'))))
    const openFds = kernel ? 0 : zombie ? undefined : this.optional(opt, 'fd', () => this.files.countFds(this.path(pid, 'fd')))
    const cpuUserSeconds = stat.utime / CLOCK_TICKS
    const cpuSystemSeconds = stat.stime / CLOCK_TICKS
    const elapsed = previous ? (now - previous.at) / 1000 : 0
    const cpuCores = prev && elapsed > 0 ? Math.max(0, cpuUserSeconds + cpuSystemSeconds - prev.cpuUserSeconds - prev.cpuSystemSeconds) / elapsed : undefined
    return {
      pid,
      ppid: stat.ppid,
      comm: stat.comm,
      state: stat.state,
      kernelThread: kernel,
      starttimeTicks: stat.starttime,
      startTimeSeconds: boot + stat.starttime / CLOCK_TICKS,
      numThreads: stat.numThreads,
      cpuUserSeconds,
      cpuSystemSeconds,
      minorFaults: stat.minflt,
      majorFaults: stat.majflt,
      uid: status.uids[0],
      euid: status.uids[1],
      residentBytes: status.vmRssBytes ?? 0,
      virtualBytes: status.vmSizeBytes ?? 0,
      swappedBytes: status.vmSwapBytes ?? 0,
      voluntaryCtxtSwitches: status.voluntaryCtxtSwitches,
      nonvoluntaryCtxtSwitches: status.nonvoluntaryCtxtSwitches,
      readBytes: io?.readBytes,
      writeBytes: io?.writeBytes,
      openFds,
      cpuCores,
      identity: identity ?? (kernel ? KERNEL_IDENTITY : this.identity(pid, zombie, opt)),
    }
  }

  /**
   * Reads an optional per-process file (io, fd, exe, cwd, cgroup, ns/net). A file that is
   * missing while the process lives (no CONFIG_TASK_IO_ACCOUNTING, a fixture, a kernel
   * without the namespace) leaves the field out; a process that exited is dropped. A denied
   * file (EACCES, EPERM: a non-dumpable process, an LSM) leaves the field out and is counted
   * once per process and file, not on every tick it is read again: the agent running as root
   * counted its host's PID 1 `io` denial every 15 s. Denied files are retried only on the
   * process's periodic refresh.
   */
  private optional<T>(opt: { pid: number; denied: Set<string>; retryDenied: boolean }, file: string, read: () => T): T | undefined {
    if (!opt.retryDenied && opt.denied.has(file)) {
      return undefined
    }
    try {
      const value = read()
      opt.denied.delete(file)
      return value
    } catch (err) {
      const reason = readErrorReason(err)
      if (reason === 'vanished') {
        if (isNotFound(err) && this.alive(opt.pid)) {
          return undefined
        }
        throw new VanishedError('process exited mid-read', { cause: err })
      }
      if (reason === 'permission') {
        if (!opt.denied.has(file)) {
          opt.denied.add(file)
          this.errors.permission++
        }
        return undefined
      }
      this.errors[reason]++
      return undefined
    }
  }

  /** Whether the process still exists: its stat can be read (only asked after an ENOENT). */
  private alive(pid: number): boolean {
    try {
      return this.files.read(this.path(pid, 'stat')) !== ''
    } catch {
      return false
    }
  }

  private identity(pid: number, zombie: boolean, opt: { pid: number; denied: Set<string>; retryDenied: boolean }): ProcessIdentity {
    const argv = parseCmdline(this.files.read(this.path(pid, 'cmdline')))
    if (zombie) {
      return { argv, exeDeleted: false, container: false }
    }
    const link = this.optional(opt, 'exe', () => parseExeLink(this.files.readlink(this.path(pid, 'exe'))))
    const cwd = this.optional(opt, 'cwd', () => this.files.readlink(this.path(pid, 'cwd')))
    const cgroup = this.optional(opt, 'cgroup', () => this.files.read(this.path(pid, 'cgroup')))
    const netns = this.optional(opt, 'ns/net', () => this.files.readlink(this.path(pid, 'ns/net')))
    return {
      argv,
      exe: link?.exe,
      exeDeleted: link?.deleted ?? false,
      cwd,
      container: cgroup === undefined ? false : cgroupIsContainer(cgroup),
      containerCgroup: cgroup !== undefined && cgroupIsContainer(cgroup) ? containerOfProcCgroup(cgroup) : undefined,
      netns,
    }
  }
}
