import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FlagError } from './flag-spec.ts'
import { checkRoots } from './roots.ts'

describe('checkRoots', () => {
  const dir = mkdtempSync(join(tmpdir(), 'odin-roots-'))
  const proc = join(dir, 'proc')
  const bare = join(dir, 'bare')
  mkdirSync(proc)
  mkdirSync(bare)
  writeFileSync(join(proc, 'stat'), 'cpu 1 2 3 4\n')
  writeFileSync(join(dir, 'file'), '')
  const ok = { procfs: proc, sysfs: dir, rootfs: dir }

  it('accepts directories with a procfs stat', () => {
    expect(() => checkRoots(ok)).not.toThrow()
  })

  it.each([
    [{ ...ok, procfs: '/nonexistent' }, '--path.procfs: "/nonexistent" is not a directory'],
    [{ ...ok, sysfs: '/nonexistent/sys' }, '--path.sysfs: "/nonexistent/sys" is not a directory'],
    [{ ...ok, rootfs: join(dir, 'file') }, `--path.rootfs: "${join(dir, 'file')}" is not a directory`],
    [{ ...ok, procfs: bare }, `--path.procfs: "${bare}" has no stat file; is it a procfs mount?`],
    [{ ...ok, procfs: '/x\n<y>' }, '--path.procfs: "/x\\n<y>" is not a directory'],
  ])('%# one line naming the flag', (roots, message) => {
    let err: unknown
    try {
      checkRoots(roots)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(FlagError)
    expect((err as Error).message).toBe(message)
    expect((err as Error).message).not.toContain('\n')
  })
})
