import { describe, expect, it } from 'vitest'
import type { HostReply } from './collector-host.ts'
import { batchingPoster, decodeReplies, encodeReplies } from './reply-wire.ts'

const done = (id: number, value: number): HostReply => ({
  type: 'done',
  id,
  families: [{ name: 'node_x', help: 'x "quoted" \\ help\n', type: 'gauge', samples: [{ labels: { device: 'sda', path: '/mnt/ü' }, value }] }],
})

describe('reply wire', () => {
  it.each([
    ['finite values, as JSON', [done(1, 0.5), done(3, 2 ** 53 + 2), done(4, 1e-300), done(4, Number.MAX_VALUE)], 'string'],
    ['a failure', [{ type: 'failed', id: 5, error: "couldn't read /proc/x", noData: true } as HostReply], 'string'],
    ['NaN, as a structured clone', [done(6, Number.NaN)], 'object'],
    ['+Inf', [done(7, Number.POSITIVE_INFINITY)], 'object'],
    ['-Inf after a finite reply', [done(8, 1), done(9, Number.NEGATIVE_INFINITY)], 'object'],
  ])('%s round-trips exactly', (_what, replies, kind) => {
    const wire = encodeReplies(replies)
    expect(typeof wire).toBe(kind)
    const back = decodeReplies(typeof wire === 'string' ? wire : structuredClone(wire))
    expect(back).toEqual(replies)
  })

  it('-0 arrives as 0 (the text format renders both as 0)', () => {
    const back = decodeReplies(encodeReplies([done(1, -0)]))
    expect(back[0]?.type === 'done' && back[0].families[0]?.samples[0]?.value).toBe(0)
  })

  it('gathers the replies of one turn into one message', () => {
    const sent: unknown[] = []
    const turns: (() => void)[] = []
    const post = batchingPoster(
      (w) => sent.push(w),
      (f) => turns.push(f),
    )
    post(done(1, 1))
    post(done(2, 2))
    expect(sent).toHaveLength(0)
    expect(turns).toHaveLength(1)
    turns.shift()?.()
    post(done(3, 3))
    turns.shift()?.()
    expect(sent.map((w) => decodeReplies(w as string).map((r) => (r.type === 'closed' ? -1 : r.id)))).toEqual([[1, 2], [3]])
  })
})
