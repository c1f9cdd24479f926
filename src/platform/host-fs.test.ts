import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createHostFS } from './host-fs.ts'
import { markingGuard } from '../../test/helpers/read-guard.ts'

const hostA = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'host-a')

describe('createHostFS marks its synchronous reads on its guard', () => {
  it('procfs and sysfs reads, listings and links are marked; a blocked path is refused; rootfs is not marked', async () => {
    const { guard, marks, blocked } = markingGuard((p) => p.slice(hostA.length))
    const fs = createHostFS({ procfs: join(hostA, 'proc'), sysfs: join(hostA, 'sys'), rootfs: join(hostA, 'root') }, guard)
    expect(fs.guard).toBe(guard)
    await fs.readFile(fs.proc('loadavg'))
    await fs.readdir(fs.proc('net'))
    await expect(fs.readFile(fs.proc('absent'))).rejects.toMatchObject({ code: 'ENOENT' })
    await fs.readdir(fs.root()).catch(() => [])
    expect(marks).toEqual(['/proc/loadavg', '<', '/proc/net', '<', '/proc/absent', '<'])
    blocked.add(fs.proc('loadavg'))
    await expect(fs.readFile(fs.proc('loadavg'))).rejects.toMatchObject({ code: 'ETIMEDOUT', name: 'BlockedReadError' })
  })
})
