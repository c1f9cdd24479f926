import { KmsgReader } from '../gpu/kmsg-reader.ts'
import { parseKmsgRecord } from '../gpu/xid.ts'
import { errorCode } from '../platform/host-fs.ts'
import { classifyCgroupPath } from '../procfs/cgroup-path.ts'
import { parseOomKillMessage } from '../procfs/kmsg-oom.ts'

/** A kernel-log OOM kill of a task in a pod's container. */
export interface ContainerOomKill {
  readonly podUid: string
  readonly containerId: string
}

/**
 * The kernel log's `oom-kill:` records, on a descriptor of its own (gpu_xid keeps its own
 * read position on the same log). The first read returns the ring buffer from its start,
 * later ones what arrived since; records are taken once by sequence number. Where the log
 * cannot be opened or read (no CAP_SYSLOG under dmesg_restrict, no /dev/kmsg) the source
 * stays off and `unavailable` says why: the counters still count.
 */
export class KernelOomLog {
  private reader: KmsgReader | undefined
  private lastSeq = -1
  private failure: string | undefined

  constructor(readonly path: string) {}

  get unavailable(): string | undefined {
    return this.path === '' ? 'disabled' : this.failure
  }

  /** Pod containers' OOM kills logged since the last call. */
  drain(maxLines = 100_000): ContainerOomKill[] {
    if (this.unavailable !== undefined) return []
    let lines: string[]
    try {
      this.reader ??= new KmsgReader(this.path)
      lines = this.reader.readLines(maxLines)
    } catch (err) {
      this.failure = `couldn't read ${this.path}: ${errorCode(err) ?? (err as Error).message}`
      this.close()
      return []
    }
    const out: ContainerOomKill[] = []
    for (const line of lines) {
      const rec = parseKmsgRecord(line)
      if (!rec || rec.seq <= this.lastSeq) continue
      this.lastSeq = rec.seq
      const oom = parseOomKillMessage(rec.message)
      if (!oom) continue
      const cls = classifyCgroupPath(oom.taskMemcg)
      if (cls.kind === 'container' && cls.podUid !== undefined) out.push({ podUid: cls.podUid, containerId: cls.containerId })
    }
    return out
  }

  close(): void {
    this.reader?.close()
    this.reader = undefined
  }
}
