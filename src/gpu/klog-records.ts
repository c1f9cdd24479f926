/**
 * The kernel log read through syslog(2) (SYSLOG_ACTION_READ_ALL, `dmesg`'s other source)
 * handed out as /dev/kmsg records, so the Xid collector reads either the same way.
 *
 * syslog(2) is a system call, not a device: a container reaches it with CAP_SYSLOG alone,
 * where /dev/kmsg also needs the device node and a device-cgroup entry that Kubernetes
 * grants only to privileged containers. Each call returns the whole ring buffer as text,
 * `<pri>[seconds.micros] message` per line, without sequence numbers; the record time
 * (microseconds since boot) stands in for one: seq = micros * 16 + the record's index among
 * records of the same microsecond. Lines without a timestamp (printk.time=0) are skipped.
 */
export class KlogRecords {
  private lastSeq = -1

  constructor(private readonly readAll: () => string) {}

  /** Records that arrived since the last call, as `pri,seq,micros,-;message` lines. */
  readLines(): string[] {
    return this.convert(this.readAll())
  }

  /** The conversion alone, for tests: text as syslog(2) returns it. */
  convert(text: string): string[] {
    const out: string[] = []
    const sameTime = new Map<number, number>()
    for (const line of text.split('\n')) {
      const m = /^<(\d{1,4})>\[\s*(\d{1,10})\.(\d{6})\] ?(.*)$/.exec(line.replace(/\r$/, ''))
      if (!m) {
        continue
      }
      const micros = Number(m[2]) * 1_000_000 + Number(m[3])
      const k = sameTime.get(micros) ?? 0
      sameTime.set(micros, k + 1)
      const seq = micros * 16 + Math.min(k, 15)
      if (seq <= this.lastSeq) {
        continue
      }
      this.lastSeq = seq
      out.push(`${m[1]},${seq},${micros},-;${m[4]}`)
    }
    return out
  }

  close(): void {}
}
