import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { AGENT_FAMILIES, createAgent } from '../src/agent.ts'
import { allCollectors } from '../src/collectors/index.ts'
import { parseAgentArgs } from '../src/config/config.ts'
import { allDetectors } from '../src/detectors/index.ts'
import { silentLogger } from '../src/log/logger.ts'
import { type Declaring, declarationProblem } from '../src/metrics/declared.ts'

const hostA = join(import.meta.dirname, 'fixtures', 'host-a')
const dataDir = mkdtempSync(join(tmpdir(), 'odin-agent-families-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe("the agent's snapshot", () => {
  it('holds only declared families: each as its collectors, detectors or the agent itself declares it', async () => {
    const switchables = [...allCollectors, ...allDetectors]
    const args = [`--path.procfs=${join(hostA, 'proc')}`, `--path.sysfs=${join(hostA, 'sys')}`, `--path.rootfs=${join(hostA, 'root')}`, `--data-dir=${dataDir}`]
    const { config } = parseAgentArgs(args, switchables)
    const detectors = allDetectors.filter((d) => config.enabled.includes(d.name)).map((d) => d.create({ config, log: silentLogger }))
    const agent = createAgent({ config, collectors: allCollectors, detectors, log: silentLogger, version: { version: '1', revision: 'r', runtime: 'test' } })
    try {
      await agent.sampler.tick()
      const snapshot = await agent.sampler.tick()
      const entryOf = new Map<string, Declaring>(switchables.map((e) => [e.name, e]))
      /** Who emitted each family: the collectors and detectors whose outcome holds it. */
      const sources = new Map<string, Declaring[]>()
      const add = (name: string, entry: Declaring | undefined) => sources.set(name, [...(sources.get(name) ?? []), entry ?? { name: '?', families: [] }])
      for (const [collector, o] of snapshot.outcomes) for (const f of o.families) add(f.name, entryOf.get(collector))
      for (const [detector, o] of snapshot.detectorOutcomes) if (detector !== 'threats') for (const f of o.families) add(f.name, entryOf.get(`detector.${detector}`))
      const problems = snapshot.families.flatMap((f) => (sources.get(f.name) ?? [AGENT_FAMILIES]).flatMap((entry) => declarationProblem(entry, f) ?? []))
      expect(problems).toEqual([])
      expect(snapshot.families.length).toBeGreaterThan(100)
      const names = new Set(snapshot.families.map((f) => f.name))
      // The agent's own are there (odin_scrape_collisions_total only after a collision).
      expect(
        ['odin_agent_build_info', 'process_resident_memory_bytes', 'node_scrape_collector_success', 'odin_detector_success', 'odin_agent_process_visibility'].filter(
          (n) => !names.has(n),
        ),
      ).toEqual([])
    } finally {
      await agent.stop()
    }
  })
})
