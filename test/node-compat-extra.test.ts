// The collectors node_compat.py does not know (it checks node_exporter's 23 classic ones):
// every sample node_exporter's end-to-end test prints for these families, on its own
// fixture host, must come out of the compiled agent with the same labels and value, and
// each family with the same HELP and TYPE.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBinary, repoRoot, startAgent, waitFor } from './helpers/binary.ts'
import type { RunningAgent } from './helpers/binary.ts'

const peer = join(repoRoot, '..', 'shared', 'peer', 'node_exporter')
const expectedFile = join(peer, 'e2e-output.txt')
const hasPeer = existsSync(expectedFile)

/** Collector -> the families it owns in e2e-output.txt. */
const FAMILIES: Record<string, RegExp> = {
  arp: /^node_arp_entries$/,
  bonding: /^node_bonding_(slaves|active)$/,
  udp_queues: /^node_udp_queues$/,
  edac: /^node_edac_\w+$/,
  dmi: /^node_dmi_info$/,
  mdadm: /^node_md_\w+$/,
  infiniband: /^node_infiniband_\w+$/,
  nfs: /^node_nfs_\w+$/,
  nfsd: /^node_nfsd_\w+$/,
  xfs: /^node_xfs_\w+$/,
  btrfs: /^node_btrfs_\w+$/,
  zfs: /^node_zfs_\w+$/,
  ipvs: /^node_ipvs_\w+$/,
  watchdog: /^node_watchdog_\w+$/,
  bcache: /^node_bcache_\w+$/,
  fibrechannel: /^node_fibrechannel_\w+$/,
  tapestats: /^node_tape_\w+$/,
}

/**
 * Expected samples the fixture tree cannot produce: sys.ttar holds watchdog1 as an empty
 * directory, which the unpacked copy (like any git checkout) does not keep.
 */
const FIXTURE_GAPS = new Set(['node_watchdog_info{identity=,name=watchdog1,options=,pretimeout_governor=,state=,status=}'])

interface Exposition {
  samples: Map<string, number>
  meta: Map<string, string>
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/** Samples keyed by name and sorted label pairs; HELP and TYPE lines keyed by family. */
function parse(text: string): Exposition {
  const samples = new Map<string, number>()
  const meta = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^# (HELP|TYPE) (\S+) (.*)$/.exec(line)
    if (m) {
      meta.set(`${m[1]} ${m[2]}`, m[3] as string)
      continue
    }
    const s = LINE.exec(line)
    if (!s) continue
    const labels = [...(s[2] ?? '').matchAll(LABEL)].map((l) => `${l[1]}=${l[2]}`).sort()
    samples.set(`${s[1]}{${labels.join(',')}}`, Number(s[3]))
  }
  return { samples, meta }
}

describe.runIf(hasPeer)('node_exporter compatibility of the collectors node_compat.py does not check', () => {
  let agent: RunningAgent | undefined
  let mine: Exposition = { samples: new Map(), meta: new Map() }
  const theirs = hasPeer ? parse(readFileSync(expectedFile, 'utf8')) : mine

  beforeAll(async () => {
    await ensureBinary()
    agent = await startAgent([
      `--path.procfs=${join(peer, 'proc')}`,
      `--path.sysfs=${join(peer, 'sys')}`,
      `--path.rootfs=${peer}`,
      '--no-detector.threats',
      '--no-detector.anomaly',
      '--no-detector.disk_fill',
      '--collector.bcache.priorityStats',
    ])
    const url = agent.url
    await waitFor(async () => (await fetch(`${url}/ready`)).ok, 15_000, 'the agent to be ready')
    mine = parse(await (await fetch(`${url}/metrics`)).text())
  }, 180_000)

  afterAll(async () => {
    await agent?.stop()
  })

  it.each(Object.entries(FAMILIES))('%s: every expected sample, HELP and TYPE', (_, family) => {
    const name = (key: string) => key.slice(0, key.indexOf('{'))
    const expected = [...theirs.samples].filter(([key]) => family.test(name(key)) && !FIXTURE_GAPS.has(key))
    expect(expected.length).toBeGreaterThan(0)
    const wrong = expected.filter(([key, value]) => {
      const got = mine.samples.get(key)
      return got === undefined || Math.abs(got - value) > 1e-9 * Math.max(1, Math.abs(value))
    })
    expect(wrong.map(([key, value]) => `${key} want ${value} got ${mine.samples.get(key)}`)).toEqual([])
    const meta = [...theirs.meta].filter(([key]) => family.test(key.split(' ')[1] as string))
    expect(meta.filter(([key, value]) => mine.meta.get(key) !== value)).toEqual([])
  })
})
