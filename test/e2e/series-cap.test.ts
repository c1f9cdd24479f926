import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { binaryPath, ensureBinary, freePort, startAgent, waitFor } from '../helpers/binary.ts'
import type { RunningAgent } from '../helpers/binary.ts'
import { TempTree, writeIdentity } from '../helpers/containers.ts'

// 60 pods of one container each on cgroup v2: ~17 series per container and pod, ~1,000 in all.
const PODS = 60
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0')
const uidOf = (p: number) => `ca900000-0000-4000-8000-${hex(p, 12)}`
const sys = new TempTree().file('fs/cgroup/cgroup.controllers', 'cpu io memory\n')
const root = new TempTree()
for (let p = 0; p < PODS; p++) {
  const id = `ca${hex(p, 62)}`
  const rel = `fs/cgroup/kubepods.slice/kubepods-pod${uidOf(p).replaceAll('-', '_')}.slice/cri-containerd-${id}.scope`
  sys
    .file(`${rel}/cpu.stat`, `usage_usec ${p}\nnr_periods 5\nnr_throttled 1\nthrottled_usec 1000\n`)
    .file(`${rel}/cpu.max`, '50000 100000\n')
    .file(`${rel}/memory.current`, '4096\n')
    .file(`${rel}/memory.stat`, 'anon 3000\nfile 1000\ninactive_file 96\n')
    .file(`${rel}/memory.max`, '1048576\n')
    .file(`${rel}/memory.events`, 'oom_kill 0\n')
  writeIdentity(root, { id, namespace: 'shop', pod: `app-${hex(p, 2)}`, uid: uidOf(p), container: 'app', image: 'example/app:1', restarts: 0 })
}
// Without the pod detector: its CPU-rate scores appear from the second tick, so the open agent's
// first snapshot and the capped agent's later one would differ by them. A pod's scores are cut
// with the pod (src/metrics/series-cap.test.ts).
const args = [
  '--collector.disable-defaults',
  '--collector.containers',
  '--collector.meminfo',
  '--collector.loadavg',
  '--no-detector.pod_anomaly',
  `--path.sysfs=${sys.root}`,
  `--path.rootfs=${root.root}`,
  '--path.procfs=/proc',
]

const samples = (text: string) => text.split('\n').filter((l) => l !== '' && !l.startsWith('#'))
const podsIn = (text: string) => [...new Set(samples(text).flatMap((l) => (l.startsWith('container_') ? [/pod="([^"]+)"/.exec(l)?.[1]] : [])))]

async function metricsWithContainers(agent: RunningAgent): Promise<string> {
  return waitFor(
    async () => {
      const text = await (await fetch(`${agent.url}/metrics`)).text()
      return /^odin_containers\{state="resolved"\} 60$/m.test(text) ? text : undefined
    },
    20_000,
    'a snapshot with the 60 containers',
  )
}

beforeAll(async () => {
  await ensureBinary()
}, 180_000)
afterAll(() => {
  sys.dispose()
  root.dispose()
})

describe('odin-agent binary: --web.max-series', () => {
  it('never serves more than the cap: the last pods are cut whole, host and health series stay, the cut is counted and logged once', async () => {
    const open = await startAgent([...args, '--web.max-series=0'])
    let full: string
    try {
      full = await metricsWithContainers(open)
    } finally {
      await open.stop()
    }
    const all = samples(full)
    const max = all.length - 150
    expect(podsIn(full)).toHaveLength(PODS)

    const capped = await startAgent([...args, `--web.max-series=${max}`, '--sampler.interval=200ms'])
    try {
      const text = await metricsWithContainers(capped)
      const kept = samples(text)
      expect(kept.length).toBeLessThanOrEqual(max)
      // Host series untouched; the pods kept are the first ones, whole.
      const host = (lines: string[]) => lines.filter((l) => l.startsWith('node_')).map((l) => l.split(' ')[0])
      expect(host(kept)).toEqual(host(all))
      const pods = podsIn(text)
      expect(pods.length).toBeGreaterThan(PODS - 15)
      expect(pods.length).toBeLessThan(PODS)
      expect(pods).toEqual(podsIn(full).slice(0, pods.length))
      for (const pod of pods) {
        expect(kept.filter((l) => l.includes(`pod="${pod}"`))).toHaveLength(all.filter((l) => l.includes(`pod="${pod}"`)).length)
      }
      expect(kept).toContain('odin_containers{state="resolved"} 60')
      const dropped = Number(/^odin_series_dropped_total\{collector="containers"\} (\d+)$/m.exec(text)?.[1])
      expect(dropped).toBeGreaterThanOrEqual(150)
      // Counted per snapshot: it grows with the ticks, and the exposition stays under the cap.
      const later = await waitFor(
        async () => {
          const t = await (await fetch(`${capped.url}/metrics`)).text()
          return Number(/^odin_series_dropped_total\{collector="containers"\} (\d+)$/m.exec(t)?.[1]) > dropped ? t : undefined
        },
        10_000,
        'a second snapshot cut',
      )
      expect(samples(later).length).toBeLessThanOrEqual(max)
      expect(podsIn(later)).toEqual(pods)
      expect(capped.logs().match(/web\.max-series/g)).toHaveLength(1)
    } finally {
      await capped.stop()
    }
  })

  const prometheus = spawnSync('prometheus', ['--version']).status === 0
  it.skipIf(!prometheus)(
    'a real Prometheus with sample_limit at the cap keeps scraping the capped agent; the same node uncapped fails its scrape',
    async () => {
      const open = await startAgent([...args, '--web.max-series=0'])
      const tmp = mkdtempSync(join(tmpdir(), 'odin-series-cap-'))
      let capped: RunningAgent | undefined
      try {
        const max = samples(await metricsWithContainers(open)).length - 150
        capped = await startAgent([...args, `--web.max-series=${max}`])
        await metricsWithContainers(capped)
        const job = (name: string, agent: RunningAgent) => ({
          job_name: name,
          scrape_interval: '1s',
          sample_limit: max,
          static_configs: [{ targets: [`127.0.0.1:${agent.port}`] }],
        })
        writeFileSync(join(tmp, 'prometheus.yml'), JSON.stringify({ scrape_configs: [job('capped', capped), job('open', open)] }))
        const port = await freePort()
        const prom = spawn(
          'prometheus',
          [`--config.file=${join(tmp, 'prometheus.yml')}`, `--storage.tsdb.path=${join(tmp, 'tsdb')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=error'],
          { stdio: 'ignore' },
        )
        try {
          const query = async (expr: string) => {
            const body = (await (await fetch(`http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(expr)}`)).json()) as {
              data: { result: { value: [number, string] }[] }
            }
            return body.data.result[0] === undefined ? undefined : Number(body.data.result[0].value[1])
          }
          await waitFor(async () => (await query('up{job="capped"}')) !== undefined && (await query('up{job="open"}')) !== undefined, 25_000, 'both targets scraped')
          await new Promise((r) => setTimeout(r, 2500))
          expect(await query('up{job="capped"}')).toBe(1)
          expect(await query('scrape_samples_scraped{job="capped"}')).toBeLessThanOrEqual(max)
          expect(await query('count({job="capped",__name__=~"node_.*"})')).toBeGreaterThan(0)
          expect(await query('up{job="open"}')).toBe(0)
          expect(await query('count({job="open",__name__=~"node_.*"})')).toBeUndefined()
        } finally {
          prom.kill('SIGTERM')
          await new Promise((r) => prom.once('exit', r))
        }
      } finally {
        await capped?.stop()
        await open.stop()
        rmSync(tmp, { recursive: true, force: true })
      }
    },
    60_000,
  )

  it('a cap below 100 exits 2 with one line', () => {
    const r = spawnSync(binaryPath, ['--web.max-series=50'], { encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr.trim().split('\n')).toEqual(['odin-agent: --web.max-series: invalid value "50" (accepted: 0 for no limit, or an integer of at least 100)'])
  })
})
