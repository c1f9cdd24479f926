import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { listeners, listeningPorts } from '../../test/helpers/listeners.ts'
import { markingGuard } from '../../test/helpers/read-guard.ts'
import { join } from 'node:path'
import { BlockedReadError } from './read-guard.ts'
import { createProcFiles, heldDescriptorBudget } from './proc-files.ts'

describe.runIf(process.platform === 'linux')('createProcFiles on the live /proc', () => {
  it('reads a seq_file longer than one read to its end: /proc/PID/net/tcp with 80 listening sockets', async () => {
    const servers = await listeners(80)
    try {
      const files = createProcFiles(16, '/proc')
      const path = `/proc/${process.pid}/net/tcp`
      const fd = files.hold(path) as number
      for (const text of [files.read(path), files.reread(fd)]) {
        expect(text.length).toBeGreaterThan(3 * 4096)
        const listening = listeningPorts(text)
        expect(servers.map((s) => (s.address() as AddressInfo).port).filter((p) => !listening.has(p))).toEqual([])
      }
      files.release(fd)
      expect(files.held()).toBe(0)
    } finally {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
    }
  })
})

describe('heldDescriptorBudget', () => {
  it.each([
    { text: 'Max open files            1024                 524288               files     \n', budget: 256 },
    { text: 'Max open files            unlimited            unlimited            files     \n', budget: 16384 },
    { text: 'Max open files            1048576              1048576              files     \n', budget: 16384 },
    { text: 'Max open files            3                    3                    files     \n', budget: 0 },
    { text: 'garbage\n', budget: 1024 },
    { text: undefined, budget: 1024 },
  ])('$text -> $budget', ({ text, budget }) => {
    expect(heldDescriptorBudget(text)).toBe(budget)
  })
})

describe('createProcFiles marks every read that can block on its guard', () => {
  const pids = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'proc-pids')
  it('enter/leave around each call, held descriptors under their path; a blocked path is refused', () => {
    const { guard, marks, blocked } = markingGuard((p) => `> ${p.slice(pids.length)}`)
    const files = createProcFiles(16, pids, guard)
    files.read(join(pids, '1', 'stat'))
    const fd = files.hold(join(pids, '1', 'schedstat')) as number
    files.reread(fd)
    files.rereadIfChanged(fd, undefined)
    files.readdir(join(pids, '1', 'fd'))
    files.countFds(join(pids, '1', 'fd'))
    files.readlink(join(pids, '1', 'exe'))
    expect(() => files.read(join(pids, '1', 'nope'))).toThrow(/ENOENT/)
    expect(marks).toEqual([
      '> /1/stat',
      '<',
      '> /1/schedstat',
      '<',
      '> /1/schedstat',
      '<',
      '> /1/schedstat',
      '<',
      '> /1/fd',
      '<',
      '> /1/fd',
      '<',
      '> /1/exe',
      '<',
      '> /1/nope',
      '<',
    ])
    blocked.add(join(pids, '1', 'schedstat'))
    expect(() => files.reread(fd)).toThrow(BlockedReadError)
    expect(() => files.read(join(pids, '1', 'schedstat'))).toThrow(/still blocked in the kernel/)
    files.release(fd)
  })
})
