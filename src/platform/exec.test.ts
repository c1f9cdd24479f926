import { describe, expect, it } from 'vitest'
import { ExecError, execFileNoShell } from './exec.ts'

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
})
