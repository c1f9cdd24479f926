import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { addContainerFamilies, CADVISOR_HELP, EXTENDED_FAMILIES, PRESSURE_FAMILIES } from '../../src/containers/container-families.ts'
import type { CadvisorFamily } from '../../src/containers/container-families.ts'
import { Families } from '../../src/metrics/families.ts'
import { addNetworkFamilies, NETWORK_FAMILIES } from '../../src/containers/sandbox-network.ts'
import { renderExposition } from '../../src/metrics/exposition.ts'
import { HAVE_PEER, PEER_CADVISOR } from '../helpers/containers.ts'

/** `# HELP` and `# TYPE` lines of an exposition, by family name. */
function headers(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of text.split('\n')) {
    const m = /^# (?:HELP|TYPE) (\S+)/.exec(line)
    if (m) out.set(m[1] as string, `${out.get(m[1] as string) ?? ''}${line}\n`)
  }
  return out
}

/** The value of the first sample of `name` whose label text contains every `needles` item (timestamps ignored). */
function goldenValue(text: string, name: string, ...needles: string[]): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) || !needles.every((n) => line.includes(n))) continue
    return Number(line.slice(line.indexOf('} ') + 2).split(' ')[0])
  }
  return undefined
}

describe.skipIf(!HAVE_PEER)('cAdvisor golden exposition', () => {
  const golden = HAVE_PEER ? readFileSync(join(PEER_CADVISOR, 'cadvisor-golden', 'v0.52.1', 'metrics', 'testdata', 'prometheus_metrics'), 'utf8') : ''
  const goldenHead = HAVE_PEER ? readFileSync(join(PEER_CADVISOR, 'cadvisor-golden', 'HEAD', 'lib', 'metrics', 'testdata', 'prometheus_metrics'), 'utf8') : ''
  const kubelet = HAVE_PEER ? readFileSync(join(PEER_CADVISOR, 'datadog-gke', 'cadvisor_metrics.txt'), 'utf8') : ''

  // The fake container of cAdvisor's generator (lib/metrics/prometheus_fake_test.go), in the
  // kernel's units: CPU 2 ns, CFS 723/18/1724314000 ns, memory 8/9/15/14/8192, quota 10000 of
  // 100000 us, created 1257894000, IoServiceBytes for 8:0 (/dev/sdb) Read 3 Write 6.
  const families = new Families()
  addContainerFamilies(
    families,
    { container: '', id: 'testcontainer', image: 'test', name: 'testcontaineralias', namespace: '', pod: '' },
    {
      cpuUsageNanos: 2,
      cfs: { periods: 723, throttledPeriods: 18, throttledNanos: 1724314000 },
      memory: { usage: 8, workingSet: 9, rss: 15, cache: 14, swap: 8192 },
      oomKills: 0,
      io: new Map([['8:0', { readBytes: 3, writeBytes: 6, reads: 24, writes: 28 }]]),
      // PSI totals in microseconds: cpu full 100 some 200, memory 1000/2000, io 1100/2200
      pressure: { cpu: { someMicros: 200, fullMicros: 100 }, memory: { someMicros: 2000, fullMicros: 1000 }, io: { someMicros: 2200, fullMicros: 1100 } },
      // --collector.containers.extended: user 6 ns, system 7 ns, mapped 16, pgfault 10 / pgmajfault 11
      // (container scope; the agent gives the hierarchy scope the same value, as cAdvisor does on
      // real cgroups), active/inactive file 7/6, 1 process, 5 threads of at most 100.
      // Max usage 8, failcnt 0 (the hierarchical container data of the fake), kernel 17,
      // 5 descriptors of which 3 sockets, max_open_files soft 16384, seen at 1395066363.
      extended: {
        userNanos: 6,
        systemNanos: 7,
        mappedFile: 16,
        pgfault: 10,
        pgmajfault: 11,
        activeFile: 7,
        inactiveFile: 6,
        processes: 1,
        threads: 5,
        threadsMax: 100,
        maxUsage: 8,
        failcnt: 0,
        kernelUsage: 17,
        fileDescriptors: 5,
        sockets: 3,
        maxOpenFiles: 16384,
        lastSeenSeconds: 1395066363,
      },
    },
    // Spec: 1000 shares, reservation 1024 and swap limit 4096 (the golden file holds no samples of
    // the last two; their HELP comes from the kubelet file).
    {
      cpuPeriodMicros: 100000,
      cpuQuotaMicros: 10000,
      memoryLimit: 2048,
      startTimeSeconds: 1257894000,
      useHierarchy: false,
      extended: { cpuShares: 1000, memoryReservation: 1024, memorySwapLimit: 4096 },
    },
    (d) => (d === '8:0' ? '/dev/sdb' : ''),
  )
  // Network of the same fake: eth0 rx 14 bytes, 15 packets, 16 errors, 17 dropped; tx 18, 19, 20, 21.
  addNetworkFamilies(families, { container: '', id: 'testcontainer', image: 'test', name: 'testcontaineralias', namespace: '', pod: '' }, [
    {
      device: 'eth0',
      counters: new Map([
        ['receive_bytes', 14],
        ['receive_packets', 15],
        ['receive_errs', 16],
        ['receive_drop', 17],
        ['transmit_bytes', 18],
        ['transmit_packets', 19],
        ['transmit_errs', 20],
        ['transmit_drop', 21],
      ]),
    },
  ])
  const ours = renderExposition(families.list())

  it('emits every default family', () => {
    expect([...headers(ours).keys()].sort()).toEqual(
      [...Object.keys(CADVISOR_HELP), ...NETWORK_FAMILIES.map(([n]) => n), ...PRESSURE_FAMILIES.flatMap(([, w, st]) => [w, st]), ...Object.keys(EXTENDED_FAMILIES)].sort(),
    )
  })

  it('has HELP and TYPE lines byte-equal to cAdvisor v0.52.1 (the kubelet file for the spec memory limit)', () => {
    const want = headers(golden)
    const fromKubelet = headers(kubelet)
    for (const [name, lines] of headers(ours)) {
      const expected = want.get(name) ?? fromKubelet.get(name)
      expect(expected, `${name} is in neither reference`).toBeDefined()
      expect(lines, name).toBe(expected)
      expect(headers(goldenHead).get(name) ?? expected, `${name} at cAdvisor HEAD`).toBe(expected)
    }
    expect(want.has('container_spec_memory_limit_bytes')).toBe(false)
  })

  it.each<[CadvisorFamily | string, string[]]>([
    ['container_cpu_usage_seconds_total', ['cpu="cpu00"']],
    ['container_cpu_cfs_periods_total', []],
    ['container_cpu_cfs_throttled_periods_total', []],
    ['container_cpu_cfs_throttled_seconds_total', []],
    ['container_memory_usage_bytes', []],
    ['container_memory_working_set_bytes', []],
    ['container_memory_rss', []],
    ['container_memory_cache', []],
    ['container_memory_swap', []],
    ['container_oom_events_total', []],
    ['container_spec_cpu_period', []],
    ['container_spec_cpu_quota', []],
    ['container_start_time_seconds', []],
    ['container_fs_reads_bytes_total', ['device="/dev/sdb"']],
    ['container_fs_writes_bytes_total', ['device="/dev/sdb"']],
    ...NETWORK_FAMILIES.map(([n]): [string, string[]] => [n, ['interface="eth0"']]),
    ...PRESSURE_FAMILIES.flatMap(([, w, st]): [string, string[]][] => [
      [w, []],
      [st, []],
    ]),
    ...Object.keys(EXTENDED_FAMILIES)
      .filter((n) => !['container_memory_failures_total', 'container_spec_memory_reservation_limit_bytes', 'container_spec_memory_swap_limit_bytes'].includes(n))
      .map((n): [string, string[]] => [n, n === 'container_ulimits_soft' ? ['ulimit="max_open_files"'] : []]),
  ])('%s converts units as the golden file does', (name, needles) => {
    const want = goldenValue(golden, name, ...needles)
    expect(want).toBeDefined()
    expect(goldenValue(ours, name)).toBe(want)
  })

  it.each(['pgfault', 'pgmajfault'])('container_memory_failures_total{failure_type="%s",scope="container"} is the golden value', (type) => {
    const needles = [`failure_type="${type}"`, 'scope="container"']
    expect(goldenValue(ours, 'container_memory_failures_total', ...needles)).toBe(goldenValue(golden, 'container_memory_failures_total', ...needles))
  })

  it('writes no timestamps', () => {
    for (const line of ours.split('\n').filter((l) => l !== '' && !l.startsWith('#'))) {
      expect(
        line
          .slice(line.lastIndexOf('}') + 1)
          .trim()
          .split(' '),
      ).toHaveLength(1)
    }
  })
})
