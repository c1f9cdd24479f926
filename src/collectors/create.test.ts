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

  it('isolates an entry whose create throws: that collector fails every run naming why, the others are created', async () => {
    const { created, entries } = recording()
    const broken: CollectorEntry = {
      name: 'broken',
      defaultEnabled: true,
      help: '',
      families: [],
      create: () => {
        throw new Error('bad state file')
      },
    }
    const all = [entries[0] as CollectorEntry, broken, entries[1] as CollectorEntry]
    const { config } = parseAgentArgs([], all)
    const collectors = createCollectors(all, config)
    expect(collectors.map((c) => c.name)).toEqual(['a', 'broken', 'b'])
    expect(created.map((c) => c.name)).toEqual(['a', 'b'])
    await expect(collectors[1]?.collect({} as never)).rejects.toThrow("couldn't create collector broken: bad state file")
  })

  it('closes every instance; one that fails to close does not stop the others', async () => {
    const closed: string[] = []
    const errors: string[] = []
    await closeCollectors(
      [
        {
          name: 'x',
          collect: async () => [],
          close: () => {
            throw new Error('EBADF')
          },
        },
        { name: 'y', collect: async () => [], close: async () => void closed.push('y') },
        { name: 'z', collect: async () => [] },
      ],
      (name, err) => errors.push(`${name}: ${(err as Error).message}`),
    )
    expect(closed).toEqual(['y'])
    expect(errors).toEqual(['x: EBADF'])
  })
})
