import { spawn } from 'node:child_process'
import type { AddressInfo } from 'node:net'
import { mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createHeldFiles } from './held-files.ts'
import { createHostFS } from './host-fs.ts'
import { listeners, listeningPorts } from '../../test/helpers/listeners.ts'

const scratch = () => mkdtempSync(join(tmpdir(), 'odin-held-'))

describe('createHeldFiles', () => {
  it('keeps one descriptor per file and reads it again from offset 0', () => {
    const dir = scratch()
    const file = join(dir, 'value')
    writeFileSync(file, '1\n')
    const held = createHeldFiles()
    expect(held.read(file)).toBe('1\n')
    expect(held.size()).toBe(1)
    writeFileSync(file, '22\n') // same inode, new bytes: what a kernel file does on each read
    expect(held.read(file)).toBe('22\n')
    expect(held.size()).toBe(1)
    held.close()
    expect(held.size()).toBe(0)
  })

  it('regenerates a procfs file on every read of the held descriptor', async () => {
    const held = createHeldFiles()
    const first = held.read('/proc/self/stat')
    await new Promise((r) => setTimeout(r, 30))
    const busy = Date.now() + 30
    while (Date.now() < busy) {
      // burn CPU so utime moves
    }
    const second = held.read('/proc/self/stat')
    expect(held.size()).toBe(1)
    expect(second).not.toBe(first)
    expect(second.split(' ')[0]).toBe(String(process.pid))
    held.close()
  })

  it('drops a descriptor whose process is gone and reports what a fresh read does', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' })
    const path = `/proc/${child.pid}/stat`
    const held = createHeldFiles()
    expect(held.read(path)).toMatch(new RegExp(`^${child.pid} \\(sleep\\)`))
    expect(held.size()).toBe(1)
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    // reaped: the held descriptor fails with ESRCH, the path no longer exists
    expect(() => held.read(path)).toThrow(expect.objectContaining({ code: 'ENOENT' }))
    expect(held.size()).toBe(0)
  })

  it('lets go of a directory that became another object, at the next tick', () => {
    const root = scratch()
    const dev = join(root, 'eth0')
    mkdirSync(dev)
    writeFileSync(join(dev, 'mtu'), '1500\n')
    const held = createHeldFiles()
    expect(held.read(join(dev, 'mtu'))).toBe('1500\n')
    // eth0 renamed to eth1, a new eth0 appears: the held descriptor follows the old object
    renameSync(dev, join(root, 'eth1'))
    mkdirSync(dev)
    writeFileSync(join(dev, 'mtu'), '9000\n')
    held.endTick()
    expect(held.read(join(dev, 'mtu'))).toBe('9000\n')
    expect(held.read(join(root, 'eth1', 'mtu'))).toBe('1500\n')
    expect(held.size()).toBe(2)
    held.close()
  })

  it('closes descriptors a tick did not read', () => {
    const dir = scratch()
    for (const name of ['a', 'b']) writeFileSync(join(dir, name), `${name}\n`)
    const held = createHeldFiles()
    held.read(join(dir, 'a'))
    held.read(join(dir, 'b'))
    held.endTick()
    held.read(join(dir, 'a'))
    held.endTick()
    expect(held.size()).toBe(1)
    held.endTick()
    expect(held.size()).toBe(0)
  })

  it('does not hold a file that read empty, nor more than its budget', () => {
    const dir = scratch()
    writeFileSync(join(dir, 'empty'), '')
    for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, name), `${name}\n`)
    const held = createHeldFiles(2)
    expect(held.read(join(dir, 'empty'))).toBe('')
    expect(held.size()).toBe(0)
    expect(['a', 'b', 'c'].map((n) => held.read(join(dir, n)))).toEqual(['a\n', 'b\n', 'c\n'])
    expect(held.size()).toBe(2)
    writeFileSync(join(dir, 'empty'), 'now\n')
    expect(held.read(join(dir, 'empty'))).toBe('now\n')
    held.close()
  })

  it('reads a file larger than its buffer whole', () => {
    const dir = scratch()
    const big = `${'x'.repeat(200_000)}\n`
    writeFileSync(join(dir, 'big'), big)
    const held = createHeldFiles()
    expect(held.read(join(dir, 'big'))).toBe(big)
    expect(held.read(join(dir, 'big'))).toBe(big)
    held.close()
  })

  it('throws the system error of a missing or unreadable file and holds nothing', () => {
    const held = createHeldFiles()
    expect(() => held.read('/nonexistent/odin/file')).toThrow(expect.objectContaining({ code: 'ENOENT' }))
    expect(() => held.read(scratch())).toThrow(expect.objectContaining({ code: 'EISDIR' }))
    expect(held.size()).toBe(0)
  })
})

describe('createHostFS', () => {
  it('reads a fixture tree afresh: a file replaced by rename is seen at once', async () => {
    const root = scratch()
    writeFileSync(join(root, 'loadavg'), '0.1\n')
    const fs = createHostFS({ procfs: root, sysfs: root, rootfs: '/' })
    expect(await fs.readFile(join(root, 'loadavg'))).toBe('0.1\n')
    writeFileSync(join(root, 'loadavg.new'), '0.2\n')
    renameSync(join(root, 'loadavg.new'), join(root, 'loadavg'))
    expect(await fs.readFile(join(root, 'loadavg'))).toBe('0.2\n')
  })

  it('reads the kernel procfs through held descriptors with the same text as a plain read', async () => {
    const fs = createHostFS({ procfs: '/proc', sysfs: '/sys', rootfs: '/' })
    expect(await fs.readFile('/proc/sys/kernel/ostype')).toBe(readFileSync('/proc/sys/kernel/ostype', 'utf8'))
    expect(await fs.readFile('/proc/sys/kernel/ostype')).toBe('Linux\n')
    await expect(fs.readFile('/proc/no-such-file')).rejects.toMatchObject({ code: 'ENOENT' })
    fs.endTick()
  })
})

describe.runIf(process.platform === 'linux')('a procfs seq_file longer than one read', () => {
  it('is read to its end, held or not: /proc/self/net/tcp with 80 listening sockets', async () => {
    const servers = await listeners(80)
    try {
      const ports = servers.map((s) => (s.address() as AddressInfo).port)
      const held = createHeldFiles()
      const texts = [held.read('/proc/self/net/tcp'), held.read('/proc/self/net/tcp')]
      expect(held.size()).toBe(1)
      held.close()
      for (const text of texts) {
        // the kernel hands out about a page per read; the table is well past one
        expect(text.length).toBeGreaterThan(3 * 4096)
        const listening = listeningPorts(text)
        expect(ports.filter((p) => !listening.has(p))).toEqual([])
      }
    } finally {
      await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))
    }
  })
})
