import { describe, expect, it } from 'vitest'
import { parseAgentArgs } from '../config/config.ts'
import { closeCollectors, createCollectors } from './create.ts'
import type { CollectorDeps, CollectorEntry } from './types.ts'

function recording() {
  const created: { name: string; deps: CollectorDeps }[] = []
  const entry = (name: string, defaultEnabled = true): CollectorEntry => ({
    name,
    defaultEnabled,
    help: name,
    families: [],
    create: (deps) => {
      created.push({ name, deps })
      return { collect: async () => [] }
    },
  })
  return { created, entries: [entry('a'), entry('b'), entry('off', false)] }
}

describe('createCollectors', () => {
  it('creates each enabled entry once, with one inventory and one process scanner shared by all', () => {
    const { created, entries } = recording()
    const { config } = parseAgentArgs([], entries)
    const collectors = createCollectors(entries, config)
    expect(collectors.map((c) => c.name)).toEqual(['a', 'b'])
    expect(created.map((c) => c.name)).toEqual(['a', 'b'])
    const [a, b] = created
    expect(a?.deps.gpuInventory).toBe(b?.deps.gpuInventory)
    expect(a?.deps.processes).toBe(b?.deps.processes)
    expect(a?.deps.config).toBe(config)
    // Another agent (or collector thread) gets its own.
    createCollectors(entries, config)
    expect(created[2]?.deps.gpuInventory).not.toBe(a?.deps.gpuInventory)
  })

  it('closes every instance; one that fails to close does not stop the others', async () => {
    const closed: string[] = []
    const errors: string[] = []
    await closeCollectors(
      [
        { name: 'x', collect: async () => [], close: () => { throw new Error('EBADF') } },
        { name: 'y', collect: async () => [], close: async () => void closed.push('y') },
        { name: 'z', collect: async () => [] },
      ],
      (name, err) => errors.push(`${name}: ${(err as Error).message}`),
    )
    expect(closed).toEqual(['y'])
    expect(errors).toEqual(['x: EBADF'])
  })
})
