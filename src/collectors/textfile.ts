import { stat } from 'node:fs/promises'
import { join } from 'node:path'
import { flagList } from '../config/config.ts'
import { Families } from '../metrics/families.ts'
import type { Labels } from '../metrics/types.ts'
import { parsePromText } from '../procfs/prom-text.ts'
import type { TextFamily, TextMetricType, TextSample } from '../procfs/prom-text.ts'
import type { CollectorEntry, CollectContext } from './types.ts'
import { DROPPED_DECL, countDropped } from '../metrics/dropped.ts'

/** Samples one scrape takes from textfiles; the rest are dropped and counted. */
export const TEXTFILE_MAX_SERIES = 10_000

export interface TextfileDeps {
  /** File modification time in milliseconds since the epoch. */
  readonly mtimeMs: (path: string) => Promise<number>
  readonly maxSeries: number
}

interface Merged {
  readonly name: string
  readonly type: TextMetricType
  help?: string
  readonly files: string[]
  readonly samples: TextSample[]
}

/** Labels that structure a summary/histogram sample and so take no part in label padding. */
function structural(type: TextMetricType, family: string, sample: TextSample): string | undefined {
  if (type === 'histogram' && sample.name === `${family}_bucket`) {
    return 'le'
  }
  if (type === 'summary' && sample.name === family) {
    return 'quantile'
  }
  return undefined
}

interface FileResult {
  readonly families?: readonly TextFamily[]
  readonly error?: string
}

async function readPromFile(ctx: CollectContext, path: string): Promise<FileResult> {
  let families: TextFamily[]
  try {
    families = parsePromText(await ctx.fs.readFile(path))
  } catch (err) {
    return { error: `failed to parse textfile data from ${path}: ${(err as Error).message}` }
  }
  if (families.some((f) => f.samples.some((s) => s.timestampMs !== undefined))) {
    return { error: `textfile ${path} contains unsupported client-side timestamps, skipping entire file` }
  }
  return { families }
}

/**
 * node_exporter's textfile collector: every *.prom file in --collector.textfile.directory
 * (repeatable) is parsed and its samples exposed. A file that does not parse, or carries
 * timestamps, is skipped whole; a family whose HELP or TYPE contradicts the same family
 * in an earlier file is skipped; either sets node_textfile_scrape_error to 1 and never
 * fails the scrape. Families found in several files merge, label sets padded with "".
 * Summaries and histograms are exposed as their untyped _sum/_count/_bucket series.
 */
export function createTextfileCollector(deps: Partial<TextfileDeps> = {}): CollectorEntry {
  return {
    name: 'textfile',
    defaultEnabled: true,
    help: 'Exposes metrics from *.prom files in --collector.textfile.directory (idle when unset).',
    families: [
      { name: 'node_textfile_mtime_seconds', type: 'gauge', help: 'Unixtime mtime of textfiles successfully read.' },
      { name: 'node_textfile_scrape_error', type: 'gauge', help: '1 if there was an error opening or reading a file, 0 otherwise' },
      DROPPED_DECL,
    ],
    forwards: true,
    flags: [{ name: 'collector.textfile.directory', kind: 'list', default: '', help: 'Directory to read text files with metrics from (repeatable; empty: none).' }],
    create({ config }) {
      const directories = flagList(config, 'collector.textfile.directory')
      const mtimeMs = deps.mtimeMs ?? (async (path: string) => (await stat(path)).mtimeMs)
      const maxSeries = deps.maxSeries ?? TEXTFILE_MAX_SERIES
      let droppedTotal = 0
      return {
        async collect(ctx) {
          let errored = false
          const fail = (msg: string, fields: Record<string, string> = {}) => {
            errored = true
            ctx.log.error(msg, fields)
          }
          const merged = new Map<string, Merged>()
          const mtimes: [string, number][] = []
          for (const dir of directories) {
            let names: string[]
            try {
              names = await ctx.fs.readdir(dir)
            } catch (err) {
              fail('failed to read textfile collector directory', { path: dir, err: (err as Error).message })
              continue
            }
            for (const name of names.filter((n) => n.endsWith('.prom')).sort()) {
              const path = join(dir, name)
              const { families, error } = await readPromFile(ctx, path)
              if (error !== undefined || families === undefined) {
                fail('failed to collect textfile data', { file: path, err: error ?? '' })
                continue
              }
              for (const family of families) {
                const seen = merged.get(family.name)
                if (!seen) {
                  merged.set(family.name, { name: family.name, type: family.type, help: family.help, files: [path], samples: [...family.samples] })
                  continue
                }
                if (seen.type !== family.type || (seen.help !== undefined && family.help !== undefined && seen.help !== family.help)) {
                  fail('inconsistent metric help text or type', { metric: family.name, file: path })
                  continue
                }
                seen.help ??= family.help
                seen.files.push(path)
                seen.samples.push(...family.samples)
              }
              try {
                mtimes.push([path, Math.trunc((await mtimeMs(path)) / 1000)])
              } catch (err) {
                fail('failed to stat textfile', { file: path, err: (err as Error).message })
              }
            }
          }

          const f = new Families()
          const keys = new Set<string>()
          let taken = 0
          for (const family of merged.values()) {
            const help = family.help ?? `Metric read from ${family.files.join(', ')}`
            const union = new Set<string>()
            for (const s of family.samples) {
              const skip = structural(family.type, family.name, s)
              for (const k of Object.keys(s.labels)) if (k !== skip) union.add(k)
            }
            for (const s of family.samples) {
              const labels: Record<string, string> = {}
              for (const k of union) {
                labels[k] = s.labels[k] ?? ''
              }
              const skip = structural(family.type, family.name, s)
              if (skip !== undefined) {
                labels[skip] = s.labels[skip] as string
              }
              const key = `${s.name}${JSON.stringify(Object.entries(labels).sort())}`
              if (keys.has(key)) {
                fail('duplicate series in textfiles', { metric: s.name })
                continue
              }
              keys.add(key)
              if (taken >= maxSeries) {
                droppedTotal++
                continue
              }
              taken++
              const type = family.type === 'summary' || family.type === 'histogram' ? 'untyped' : family.type
              f.add(s.name, type, help, labels as Labels, s.value)
            }
          }
          for (const [file, seconds] of mtimes.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
            f.gauge('node_textfile_mtime_seconds', 'Unixtime mtime of textfiles successfully read.', seconds, { file })
          }
          f.gauge('node_textfile_scrape_error', '1 if there was an error opening or reading a file, 0 otherwise', errored ? 1 : 0)
          if (droppedTotal > 0) {
            countDropped(f, droppedTotal, 'textfile')
          }
          return f.list()
        },
      }
    },
  }
}

export const textfileCollector = createTextfileCollector()
