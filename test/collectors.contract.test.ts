import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { allCollectors } from '../src/collectors/index.ts'
import { NoDataError } from '../src/collectors/types.ts'
import type { MetricFamily } from '../src/metrics/types.ts'
import { declarationProblem, undeclared } from '../src/metrics/declared.ts'
import { UNDER_PATTERNS } from './stack/stack-files.ts'
import { collectFrom, runIsolated } from './helpers/collect.ts'

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
// node_exporter counters whose names predate the _total rule; kept for drop-in compatibility.
const LEGACY_COUNTERS = new Set<string>([])

/** The roots of a fixture host: ours (test/fixtures) and node_exporter's own (../shared/peer). */
interface Host {
  readonly name: string
  readonly procfs: string
  readonly sysfs: string
  readonly rootfs: string
}

const ownHosts: Host[] = ['host-a', 'host-b']
  .map((h) => join(import.meta.dirname, 'fixtures', h))
  .filter((p) => existsSync(p))
  .map((p) => ({ name: p.split('/').pop() as string, procfs: join(p, 'proc'), sysfs: join(p, 'sys'), rootfs: join(p, 'root') }))
const peer = join(import.meta.dirname, '..', '..', 'shared', 'peer', 'node_exporter')
const peerHosts: Host[] = existsSync(join(peer, 'sys')) ? [{ name: 'node_exporter fixtures', procfs: join(peer, 'proc'), sysfs: join(peer, 'sys'), rootfs: peer }] : []
const fixtureHosts = [...ownHosts, ...peerHosts]

function checkFamilies(families: readonly MetricFamily[]): string[] {
  const problems: string[] = []
  const seen = new Set<string>()
  for (const f of families) {
    if (!METRIC_NAME.test(f.name)) {
      problems.push(`bad metric name ${f.name}`)
    }
    if (f.type === 'counter' && !f.name.endsWith('_total') && !LEGACY_COUNTERS.has(f.name)) {
      problems.push(`counter ${f.name} does not end in _total`)
    }
    if (!/^(node_|odin_|DCGM_|namedprocess_|process_|container_)/.test(f.name)) {
      problems.push(`${f.name} is neither a peer's name nor odin_*`)
    }
    if (!f.help) {
      problems.push(`${f.name} has no help`)
    }
    for (const s of f.samples) {
      for (const [k, v] of Object.entries(s.labels)) {
        if (!LABEL_NAME.test(k) || k.startsWith('__')) {
          problems.push(`${f.name}: bad label name ${k}`)
        }
        if (typeof v !== 'string') {
          problems.push(`${f.name}: label ${k} is not a string`)
        }
      }
      if (hasPidLabel(s.labels)) {
        problems.push(`${f.name}: carries a pid label`)
      }
      if (typeof s.value !== 'number') {
        problems.push(`${f.name}: non-numeric value`)
      }
      const key = `${f.name}${JSON.stringify(Object.entries(s.labels).sort())}`
      if (seen.has(key)) {
        problems.push(`duplicate series ${key}`)
      }
      seen.add(key)
    }
  }
  return problems
}

const hasPidLabel = (labels: Record<string, string>) => 'pid' in labels

describe.each(allCollectors.map((c) => [c.name, c] as const))('collector %s', (_name, collector) => {
  it('has a name usable as flag and label value, and help for --help', () => {
    expect(collector.name).toMatch(/^[a-z0-9_.]+$/)
    expect(collector.help.length).toBeGreaterThan(0)
  })

  it('declares each of its families once, with a valid name, a type and HELP', () => {
    const names = collector.families.map((d) => d.name)
    expect(new Set(names).size).toBe(names.length)
    for (const d of collector.families) {
      expect(d.name.replaceAll('*', 'x')).toMatch(METRIC_NAME)
      expect(['counter', 'gauge', 'untyped']).toContain(d.type)
      expect(d.help.length).toBeGreaterThan(0)
    }
  })

  it('on a host without its source, returns no samples or throws NoDataError, nothing else', async () => {
    try {
      const families = await collectFrom(collector)
      expect(checkFamilies(families)).toEqual([])
    } catch (err) {
      expect(err).toBeInstanceOf(NoDataError)
    }
  })

  it.each(fixtureHosts.map((h) => [h.name, h] as const))('on fixture %s, exposes valid, unique series within its deadline', async (_host, host) => {
    const outcome = await runIsolated(collector, { procfs: host.procfs, sysfs: host.sysfs, rootfs: host.rootfs })
    if (!outcome.success) {
      expect(outcome.noData, `${collector.name} failed: ${outcome.error}`).toBe(true)
      return
    }
    expect(checkFamilies(outcome.families)).toEqual([])
    expect(undeclared(collector, outcome.families)).toEqual([])
  })
})

describe('family declarations across collectors', () => {
  it('a name two collectors declare has one type and one HELP (one family, one HELP on /metrics)', () => {
    const byName = new Map<string, { type: string; help: string; by: string }>()
    const clashes: string[] = []
    for (const c of allCollectors) {
      // Patterns (netdev's and netclass's node_network_*_total) stand for different names.
      for (const d of c.families.filter((x) => !x.name.includes('*'))) {
        const seen = byName.get(d.name)
        if (seen && (seen.type !== d.type || seen.help !== d.help)) {
          clashes.push(`${d.name}: ${seen.by} and ${c.name}`)
        }
        byName.set(d.name, { type: d.type, help: d.help, by: seen?.by ?? c.name })
      }
    }
    // Known, as in node_exporter itself: cpu's node_cpu_frequency_hertz (from /proc/cpuinfo,
    // --collector.cpu.info) and cpufreq's (sysfs) share the name with different HELP.
    expect(clashes).toEqual(['node_cpu_frequency_hertz: cpu and cpufreq'])
  })

  it('the names rules and dashboards use under a pattern (test/stack) match a declared pattern', () => {
    const declared = (name: string) =>
      allCollectors.some(
        (c) =>
          c.families.some((d) => d.name.includes('*')) && !(declarationProblem({ ...c, forwards: false }, { name, type: 'untyped', help: '' }) ?? '').includes('does not declare'),
      )
    expect(UNDER_PATTERNS.filter((name) => !declared(name))).toEqual([])
  })
})
