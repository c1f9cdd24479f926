/**
 * The kernel's one-line OOM kill summary (mm/oom_kill.c dump_oom_summary, Linux 4.19+):
 *
 *   oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,
 *   oom_memcg=/kubepods/burstable/pod<uid>/<id>,task_memcg=/kubepods/burstable/pod<uid>/<id>,
 *   task=tail,pid=15347,uid=0
 *
 * (one line). `task_memcg` is the killed task's memory cgroup, relative to the memory
 * hierarchy's root (v1) or the unified root (v2); it names the container even after its
 * cgroup is gone. `oom_memcg` (the cgroup whose limit was hit) is only printed for
 * CONSTRAINT_MEMCG. The task name is the workload's own `comm` (up to 15 bytes, any
 * characters), so the cgroup path is cut at the first `,task=` after `task_memcg=`
 * (a hostile comm cannot lengthen the path), and pid/uid are read from the end.
 */
export interface OomKillRecord {
  /** CONSTRAINT_NONE (the whole host), CONSTRAINT_MEMCG (a cgroup limit), CONSTRAINT_CPUSET, CONSTRAINT_MEMORY_POLICY. */
  readonly constraint: string
  readonly oomMemcg: string | undefined
  readonly taskMemcg: string
  readonly pid: number
}

const PREFIX = 'oom-kill:'
const MAX_LINE = 8192

export function parseOomKillMessage(message: string): OomKillRecord | undefined {
  if (!message.startsWith(PREFIX) || message.length > MAX_LINE) return undefined
  const body = message.slice(PREFIX.length)
  const constraint = /^constraint=([A-Z_]+),/.exec(body)?.[1]
  if (constraint === undefined) return undefined
  const memcgAt = body.indexOf(',task_memcg=')
  if (memcgAt < 0) return undefined
  const pathStart = memcgAt + ',task_memcg='.length
  const taskAt = body.indexOf(',task=', pathStart)
  if (taskAt < 0) return undefined
  const taskMemcg = body.slice(pathStart, taskAt)
  if (!taskMemcg.startsWith('/')) return undefined
  const tail = /,pid=(\d{1,10}),uid=\d{1,10}$/.exec(body.slice(taskAt))
  if (!tail) return undefined
  const head = body.slice(0, memcgAt)
  const oomAt = head.indexOf(',oom_memcg=')
  return {
    constraint,
    oomMemcg: oomAt < 0 ? undefined : head.slice(oomAt + ',oom_memcg='.length),
    taskMemcg,
    pid: Number(tail[1]),
  }
}
