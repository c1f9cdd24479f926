import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ExecError, execFileNoShell } from './exec.ts'

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  // A zombie awaiting its reaper (init, for an orphan) is dead for our purpose.
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z'
  } catch {
    return false
  }
}

async function settle(pids: number[]): Promise<number[]> {
  for (let i = 0; i < 40 && pids.some(alive); i++) {
    await new Promise((r) => setTimeout(r, 25))
  }
  return pids.filter(alive)
}

describe('execFileNoShell', () => {
  it('passes arguments verbatim, without a shell', async () => {
    const r = await execFileNoShell('/bin/echo', ['$HOME', '; rm -rf /', '`id`'], { timeoutMs: 2000 })
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('$HOME ; rm -rf / `id`\n')
  })

  it('rejects with ENOENT for a missing binary', async () => {
    await expect(execFileNoShell('/nonexistent/nvidia-smi', [], { timeoutMs: 1000 })).rejects.toMatchObject({ name: 'ExecError', code: 'ENOENT' })
    await expect(execFileNoShell('/nonexistent/nvidia-smi', [], { timeoutMs: 1000 })).rejects.toBeInstanceOf(ExecError)
  })

  it('reports exit code and stderr', async () => {
    const r = await execFileNoShell('/bin/sh', ['-c', 'echo oops >&2; exit 2'], { timeoutMs: 2000 })
    expect(r).toMatchObject({ code: 2, stderr: 'oops\n', timedOut: false })
  })

  it('kills a child that ignores SIGTERM: SIGKILL after the grace period', async () => {
    const t0 = performance.now()
    const r = await execFileNoShell('/bin/sh', ['-c', 'trap "" TERM; while :; do sleep 0.05; done'], { timeoutMs: 200, killGraceMs: 200 })
    const ms = performance.now() - t0
    expect(r.timedOut).toBe(true)
    expect(r.signal).toBe('SIGKILL')
    expect(ms).toBeLessThan(2000)
  })

  it('on abort (the agent stops) SIGKILLs the whole group at once, without the grace period', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odin-exec-'))
    try {
      const pids = join(dir, 'pids')
      const script = `trap "" TERM; (trap "" TERM; exec sleep 30) & echo $! >> ${pids}; echo $$ >> ${pids}; wait`
      const abort = new AbortController()
      const run = execFileNoShell('/bin/sh', ['-c', script], { timeoutMs: 60_000, killGraceMs: 10_000, signal: abort.signal })
      for (let i = 0; i < 80 && readFileSync(pids, { encoding: 'utf8', flag: 'a+' }).trim().split('\n').length < 2; i++) {
        await new Promise((r) => setTimeout(r, 25))
      }
      const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number)
      const t0 = performance.now()
      abort.abort()
      const r = await run
      expect(performance.now() - t0).toBeLessThan(1000)
      expect(r).toMatchObject({ timedOut: false, signal: 'SIGKILL' })
      expect(await settle(started)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('cuts output beyond maxOutputBytes and says so', async () => {
    const r = await execFileNoShell('/bin/sh', ['-c', 'yes | head -c 100000'], { timeoutMs: 2000, maxOutputBytes: 1000 })
    expect(r.truncated).toBe(true)
    expect(r.stdout.length).toBeLessThanOrEqual(1000 + 65536)
  })

  it('does not leak the parent environment to the child', async () => {
    process.env.ODIN_TEST_SECRET = 'hunter2'
    const r = await execFileNoShell('/usr/bin/env', [], { timeoutMs: 2000 })
    expect(r.stdout).not.toContain('hunter2')
    delete process.env.ODIN_TEST_SECRET
  })

  it("kills a wrapper's children with it at the deadline: the whole process group, no orphans", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odin-exec-'))
    try {
      const pids = join(dir, 'pids')
      // A wrapper nvidia-smi: two children that ignore SIGTERM, then it waits on them.
      const script = `trap "" TERM; (trap "" TERM; echo $$ >/dev/null; exec sleep 30) & echo $! >> ${pids}; (trap "" TERM; exec sleep 30) & echo $! >> ${pids}; echo $$ >> ${pids}; wait`
      const r = await execFileNoShell('/bin/sh', ['-c', script], { timeoutMs: 300, killGraceMs: 200 })
      expect(r.timedOut).toBe(true)
      const started = readFileSync(pids, 'utf8').trim().split('\n').map(Number)
      expect(started).toHaveLength(3)
      expect(await settle(started)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('leaves nothing behind from a wrapper that exits and leaves a child running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'odin-exec-'))
    try {
      const pids = join(dir, 'pids')
      const r = await execFileNoShell('/bin/sh', ['-c', `sleep 30 >/dev/null 2>&1 & echo $! > ${pids}; echo ok`], { timeoutMs: 2000 })
      expect(r).toMatchObject({ code: 0, stdout: 'ok\n', timedOut: false })
      expect(await settle([Number(readFileSync(pids, 'utf8'))])).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
