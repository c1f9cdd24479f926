import type { HostReply } from './collector-host.ts'

/**
 * How a collector thread's replies cross to the serving thread: batched (one message per
 * turn of the worker's event loop instead of one per collector) and, when every sample
 * value is finite, as one JSON string: Bun's structured clone of a tick's families costs
 * more than twice as much CPU (docs/performance.md). JSON has no NaN or Infinity, so a
 * batch carrying one goes as a structured clone, which keeps them; -0 arrives as 0, which
 * the text format renders alike.
 */
export type ReplyWire = string | readonly HostReply[]

export function encodeReplies(replies: readonly HostReply[]): ReplyWire {
  for (const r of replies) {
    if (r.type === 'done') {
      for (const f of r.families) {
        for (const s of f.samples) {
          if (!Number.isFinite(s.value)) {
            return replies
          }
        }
      }
    }
  }
  return JSON.stringify(replies)
}

export function decodeReplies(wire: ReplyWire): readonly HostReply[] {
  return typeof wire === 'string' ? (JSON.parse(wire) as HostReply[]) : wire
}

/** A `post` that gathers the replies of one turn and sends them together after it. */
export function batchingPoster(send: (wire: ReplyWire) => void, later: (flush: () => void) => void = (f) => setImmediate(f)): (reply: HostReply) => void {
  let pending: HostReply[] = []
  const flush = () => {
    const batch = pending
    pending = []
    send(encodeReplies(batch))
  }
  return (reply) => {
    if (pending.push(reply) === 1) {
      later(flush)
    }
  }
}
