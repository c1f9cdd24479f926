import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectFrom, createFrom, family, runIsolated, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B, HOST_B_DIR, writeTree } from '../../test/helpers/host-b.ts'
import { createTextfileCollector, textfileCollector } from './textfile.ts'

const GOOD = join(HOST_B_DIR, 'root/textfile/good')
const BAD = join(HOST_B_DIR, 'root/textfile/bad')
const fixedMtime = createTextfileCollector({ mtimeMs: async () => 1_700_000_000_999 })
const dirArgs = (...dirs: string[]) => dirs.map((d) => `--collector.textfile.directory=${d}`)

describe('textfile collector', () => {
  it('is idle without a directory: only node_textfile_scrape_error 0', async () => {
    const families = await collectFrom(textfileCollector, HOST_B)
    expect(families.map((f) => [f.name, f.samples.map((s) => s.value)])).toEqual([['node_textfile_scrape_error', [0]]])
  })

  it('exposes *.prom files, merges families across files and pads labels', async () => {
    const families = await collectFrom(fixedMtime, { args: dirArgs(GOOD) })
    expect(sampleValue(families, 'node_textfile_scrape_error')).toBe(0)
    expect(family(families, 'backup_last_success_seconds')).toMatchObject({ type: 'gauge', help: 'Unix time of the last successful backup.' })
    expect(samplesOf(families, 'backup_last_success_seconds').map((s) => s.labels)).toEqual([
      { job: 'nightly', target: '' },
      { job: 'weekly', target: 's3 "eu"' },
    ])
    const jobs = family(families, 'jobs_total')
    expect(jobs?.type).toBe('counter')
    expect(jobs?.help).toBe(`Metric read from ${join(GOOD, 'jobs.prom')}, ${join(GOOD, 'more-jobs.prom')}`)
    expect(jobs?.samples.map((s) => [s.labels, s.value])).toEqual([
      [{ queue: 'mail', region: '' }, 12],
      [{ queue: 'sms', region: '' }, 4],
      [{ queue: 'sms', region: 'eu' }, 1],
    ])
    expect(samplesOf(families, 'job_seconds_bucket').map((s) => [s.labels.le, s.value])).toEqual([
      ['1', 3],
      ['+Inf', 5],
    ])
    expect(sampleValue(families, 'job_seconds_sum')).toBe(7.5)
    expect(samplesOf(families, 'this_is_ignored')).toEqual([])
    expect(samplesOf(families, 'node_textfile_mtime_seconds').map((s) => [s.labels.file, s.value])).toEqual([
      [join(GOOD, 'backup.prom'), 1_700_000_000],
      [join(GOOD, 'jobs.prom'), 1_700_000_000],
      [join(GOOD, 'more-jobs.prom'), 1_700_000_000],
    ])
  })

  it('reports bad files as scrape_error 1 and keeps everything else', async () => {
    const outcome = await runIsolated(fixedMtime, { args: dirArgs(BAD) })
    expect(outcome.success).toBe(true)
    const families = outcome.families
    expect(sampleValue(families, 'node_textfile_scrape_error')).toBe(1)
    // a-good.prom survives; the second raid_degraded (other HELP) is dropped, not merged.
    expect(samplesOf(families, 'raid_degraded')).toEqual([{ labels: { md: 'md0' }, value: 0 }])
    expect(family(families, 'raid_degraded')?.help).toBe('1 if an array is degraded.')
    // raid_disks: a counter redeclaration is dropped, a duplicate series is dropped.
    expect(samplesOf(families, 'raid_disks')).toEqual([{ labels: { md: 'md2' }, value: 4 }])
    expect(sampleValue(families, 'raid_spares')).toBe(0)
    // Unparsable and timestamped files are skipped whole and get no mtime.
    expect(samplesOf(families, 'raid_checked')).toEqual([])
    const mtimeFiles = samplesOf(families, 'node_textfile_mtime_seconds').map((s) => s.labels.file)
    expect(mtimeFiles).toEqual(['a-good.prom', 'd-conflict.prom', 'e-type-conflict.prom', 'f-duplicate.prom'].map((f) => join(BAD, f)))
  })

  it('flags a missing directory but still serves the others', async () => {
    const families = await collectFrom(fixedMtime, { args: dirArgs('/nonexistent/textfiles', GOOD) })
    expect(sampleValue(families, 'node_textfile_scrape_error')).toBe(1)
    expect(samplesOf(families, 'jobs_total')).toHaveLength(3)
  })

  it('caps the series it takes and counts the rest', async () => {
    const lines = Array.from({ length: 30 }, (_, i) => `many{i="${i}"} ${i}`).join('\n')
    const dir = writeTree({ 'many.prom': `${lines}\n` })
    try {
      const capped = createFrom(createTextfileCollector({ mtimeMs: async () => 0, maxSeries: 25 }), { args: dirArgs(dir) })
      const first = await collectFrom(capped, { args: dirArgs(dir) })
      expect(samplesOf(first, 'many')).toHaveLength(25)
      expect(sampleValue(first, 'odin_series_dropped_total', { collector: 'textfile' })).toBe(5)
      const second = await collectFrom(capped, { args: dirArgs(dir) })
      expect(sampleValue(second, 'odin_series_dropped_total', { collector: 'textfile' })).toBe(10)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
