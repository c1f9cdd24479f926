import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { RUNTIME_ENV, applyRuntimeEnv, missingRuntimeEnv } from './runtime-env.ts'

describe('missingRuntimeEnv', () => {
  it.each([
    { env: {}, missing: { ...RUNTIME_ENV } },
    { env: { ...RUNTIME_ENV }, missing: {} },
    { env: { ...RUNTIME_ENV, BUN_GC_TIMER_DISABLE: '', BUN_JSC_heapGrowthMaxIncrease: '2', BUN_JSC_useConcurrentGC: '1' }, missing: {} },
    {
      env: { BUN_GC_TIMER_DISABLE: '1', BUN_JSC_useConcurrentJIT: '1' },
      missing: { BUN_JSC_heapGrowthMaxIncrease: '1.1', BUN_JSC_useWarmUpMarkedBlocks: '0', BUN_JSC_useConcurrentGC: '0', BUN_JSC_numberOfGCMarkers: '1' },
    },
    { env: { OTHER: 'x' }, missing: { ...RUNTIME_ENV } },
  ])('$env -> $missing', ({ env, missing }) => {
    expect(missingRuntimeEnv(env)).toEqual(missing)
  })
})

describe('applyRuntimeEnv', () => {
  const compiled = (env: NodeJS.ProcessEnv, execve?: (...a: unknown[]) => never) => ({
    argv: ['bun', '/$bunfs/root/odin-agent', '--web.listen-address=:9405', '--log.level=debug'],
    execPath: '/usr/local/bin/odin-agent',
    env,
    execve: execve as never,
  })

  it('re-executes the compiled binary with the same arguments and the missing settings added', () => {
    const execve = vi.fn(() => {
      throw new Error('unreachable after a real execve')
    })
    applyRuntimeEnv(compiled({ PATH: '/bin', BUN_JSC_useConcurrentGC: '1' }, execve as never))
    // The user's own value wins; every other setting is added.
    expect(execve).toHaveBeenCalledWith('/usr/local/bin/odin-agent', ['/usr/local/bin/odin-agent', '--web.listen-address=:9405', '--log.level=debug'], {
      PATH: '/bin',
      ...RUNTIME_ENV,
      BUN_JSC_useConcurrentGC: '1',
    })
  })

  it('does nothing when the settings are there (the re-executed process, or the user set them)', () => {
    const execve = vi.fn()
    expect(applyRuntimeEnv(compiled({ ...RUNTIME_ENV }, execve as never))).toBe('runtime settings present')
    expect(execve).not.toHaveBeenCalled()
  })

  it("leaves `bun src/main.ts` alone (its arguments include the runtime's own)", () => {
    const execve = vi.fn()
    expect(applyRuntimeEnv({ argv: ['/usr/bin/bun', '/repo/src/main.ts'], execPath: '/usr/bin/bun', env: {}, execve: execve as never })).toBe('not a compiled binary')
    expect(execve).not.toHaveBeenCalled()
  })

  it('runs on when execve is missing or fails', () => {
    expect(applyRuntimeEnv(compiled({}))).toBe('execve unavailable')
    const failing = vi.fn(() => {
      throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })
    })
    expect(applyRuntimeEnv(compiled({}, failing as never))).toBe('execve failed: EACCES: permission denied')
  })
})

describe('the places that set the runtime settings themselves', () => {
  // The image and `npm start` cannot import RUNTIME_ENV; they carry a copy that must not drift.
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
  const dockerEnv = /^ENV (.*)$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1] ?? ''
  const npmStart = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start
  it.each([
    { place: 'Dockerfile ENV', text: dockerEnv },
    { place: 'npm start', text: npmStart },
  ])('$place sets every one', ({ text }) => {
    const set = new Set(text.split(/\s+/))
    expect(
      Object.entries(RUNTIME_ENV)
        .map(([name, value]) => `${name}=${value}`)
        .filter((kv) => !set.has(kv)),
    ).toEqual([])
  })
})
