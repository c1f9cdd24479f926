import { describe, expect, it } from 'vitest'
import { BlockedReadError, createGuardBuffer, createSharedReadGuard, guarded, watchReadGuard } from './read-guard.ts'

describe('read guard', () => {
  it('publishes the open read and clears it when the read ends', () => {
    const buffer = createGuardBuffer()
    const guard = createSharedReadGuard(buffer, new Set())
    const sample = watchReadGuard(buffer)
    expect(sample()).toEqual({ seq: 0, path: undefined })
    guard.enter('/proc/loadavg')
    expect(sample()).toEqual({ seq: 1, path: '/proc/loadavg' })
    guard.leave()
    expect(sample()).toEqual({ seq: 2, path: undefined })
    guard.enter('/proc/1/stat')
    expect(sample()).toEqual({ seq: 3, path: '/proc/1/stat' })
  })

  it.each([
    ['a short path after a long one', ['/sys/class/hwmon/hwmon0/device/some/long/attribute', '/proc/x']],
    ['non-ASCII bytes', ['/tmp/fixture-é/proc/stat']],
    ['an empty label (a held descriptor of unknown path)', ['']],
  ])('reads back %s exactly', (_what, paths) => {
    const buffer = createGuardBuffer()
    const guard = createSharedReadGuard(buffer, new Set())
    const sample = watchReadGuard(buffer)
    for (const p of paths) {
      guard.enter(p)
      expect(sample().path).toBe(p)
      guard.leave()
    }
  })

  it('cuts a path longer than the buffer instead of failing the read', () => {
    const buffer = createGuardBuffer()
    const guard = createSharedReadGuard(buffer, new Set())
    const long = `/proc/${'x'.repeat(10_000)}`
    guard.enter(long)
    expect(watchReadGuard(buffer)().path).toBe(long.slice(0, 4096))
    guard.leave()
  })

  it('refuses a blocked path with a coded error and leaves no read open', () => {
    const buffer = createGuardBuffer()
    const blocked = new Set(['/proc/loadavg'])
    const guard = createSharedReadGuard(buffer, blocked)
    let err: unknown
    try {
      guard.enter('/proc/loadavg')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(BlockedReadError)
    expect((err as BlockedReadError).code).toBe('ETIMEDOUT')
    expect((err as Error).message).toMatch(/earlier read of \/proc\/loadavg is still blocked/)
    expect(watchReadGuard(buffer)()).toEqual({ seq: 0, path: undefined })
    blocked.delete('/proc/loadavg')
    expect(() => guard.enter('/proc/loadavg')).not.toThrow()
  })

  it('guarded() closes the read when it throws', () => {
    const buffer = createGuardBuffer()
    const guard = createSharedReadGuard(buffer, new Set())
    expect(() =>
      guarded(guard, '/proc/x', () => {
        throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
      }),
    ).toThrow('ENOENT')
    expect(watchReadGuard(buffer)()).toEqual({ seq: 2, path: undefined })
    expect(guarded(guard, '/proc/y', () => 42)).toBe(42)
  })
})
