import type { AgentConfig } from '../config/config.ts'
import { GpuInventory } from '../gpu/inventory.ts'
import { ProcessTables } from './process-table.ts'
import type { Collector, CollectorEntry } from './types.ts'

/**
 * Creates the enabled entries once, in list order, with one set of dependencies shared by
 * them (one GPU inventory and one process scanner per agent or collector thread).
 */
export function createCollectors(entries: readonly CollectorEntry[], config: AgentConfig): Collector[] {
  const deps = { config, gpuInventory: new GpuInventory(), processes: new ProcessTables() }
  return entries
    .filter((e) => config.enabled.includes(e.name))
    .map((e) => {
      try {
        return instantiate(e, deps)
      } catch (err) {
        // Flag values are checked when parsed, so this is not expected; if it happens it costs
        // only this collector (success 0 naming why on every tick), as a failing collect would.
        const error = `couldn't create collector ${e.name}: ${err instanceof Error ? err.message : String(err)}`
        return { name: e.name, timeoutMs: e.timeoutMs, collect: () => Promise.reject(new Error(error)) }
      }
    })
}

/** Creates one entry's instance and gives it the entry's name and deadline, as the sampler runs it. */
export function instantiate<E extends CollectorEntry>(entry: E, deps: Parameters<E['create']>[0]): ReturnType<E['create']> & Collector {
  const instance = entry.create(deps) as ReturnType<E['create']>
  return Object.assign(instance, { name: entry.name, timeoutMs: entry.timeoutMs })
}

/** Closes every instance that holds something; one failing close does not stop the others. */
export async function closeCollectors(collectors: readonly Collector[], onError: (name: string, err: unknown) => void): Promise<void> {
  await Promise.all(
    collectors.map(async (c) => {
      try {
        await c.close?.()
      } catch (err) {
        onError(c.name, err)
      }
    }),
  )
}
