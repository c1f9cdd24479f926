import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import { basename, dirname, join, relative } from 'node:path'
import { createDetector } from '../../detectors/anomaly/detector.ts'
import { modelOptions, type ModelName } from '../../detectors/anomaly/options.ts'
import { DETECT_HELP, DetectUsageError, parseDetectArgs } from './args.ts'
import { createProgress, type Progress } from './progress.ts'
import { formatScoredCsv, parseSeriesCsv, SeriesDataError, type SeriesRows } from './series-csv.ts'

/** One file of a tree: read `input`, write the scores to `output`. */
export interface FileJob {
  readonly input: string
  readonly output: string
  readonly model: ModelName
}

/** Points scored, or the one-line reason the file was not (it names the file and line). */
export type FileJobResult = { readonly points: number } | { readonly error: string }

/** Scores files off this thread (worker threads, wired in at the edge). */
export interface DetectPool {
  run(job: FileJob): Promise<FileJobResult>
  close(): Promise<void>
}

export interface DetectIO {
  stdout: (s: string) => void
  stderr: (s: string) => void
  stderrIsTTY: boolean
  /** Without it, directory mode scores one file after another on this thread. */
  createPool?: (size: number) => DetectPool
}

/** Scores one series with a fresh detector: one configuration for every file, nothing per file. */
export function scoreSeries(rows: SeriesRows, onProgress?: (points: number) => void, model: ModelName = 'default'): Float64Array {
  const detector = createDetector(modelOptions(model))
  const scores = new Float64Array(rows.values.length)
  const step = 4096
  for (let i = 0; i < scores.length; i++) {
    scores[i] = detector.observe(rows.times[i]!, rows.values[i]!).score
    if (onProgress && (i + 1) % step === 0) onProgress(step)
  }
  if (onProgress) onProgress(scores.length % step)
  return scores
}

/** Every *.csv under dir (recursively), relative paths, sorted. */
async function listCsv(dir: string): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true })
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    for (const e of entries) {
      const p = join(d, e.name)
      if (e.isDirectory()) await walk(p)
      else if (e.isFile() && e.name.toLowerCase().endsWith('.csv')) out.push(relative(dir, p))
    }
  }
  await walk(dir)
  return out
}

function countLines(text: string): number {
  let n = 0
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++
  return n
}

class InputError extends Error {
  override readonly name = 'InputError'
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    throw new InputError(`${file}: cannot read (${code})`, { cause: err })
  }
}

function parseOrThrow(text: string, file: string): SeriesRows {
  try {
    return parseSeriesCsv(text)
  } catch (err) {
    if (err instanceof SeriesDataError) {
      throw new InputError(`${file}:${err.line}: ${err.reason}`, { cause: err })
    }
    throw err
  }
}

async function writeOut(file: string, body: string): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true })
    await writeFile(file, body)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    throw new InputError(`${file}: cannot write (${code})`, { cause: err })
  }
}

/** Reads, scores and writes one file: the unit of work of a pool worker, and of --jobs 1. */
export async function scoreFileJob(job: FileJob, onProgress?: (points: number) => void): Promise<FileJobResult> {
  try {
    const rows = parseOrThrow(await readText(job.input), job.input)
    const scores = scoreSeries(rows, onProgress, job.model)
    await writeOut(job.output, formatScoredCsv(rows, scores))
    return { points: rows.values.length }
  } catch (err) {
    if (err instanceof InputError) return { error: err.message }
    throw err
  }
}

/** Files at once in directory mode when --jobs is not given. */
export function defaultJobs(): number {
  return Math.max(1, Math.min(8, availableParallelism()))
}

async function runOne(input: string, output: string | undefined, model: ModelName, io: DetectIO): Promise<void> {
  const text = await readText(input)
  const rows = parseOrThrow(text, input)
  const progress: Progress = createProgress(io.stderr, io.stderrIsTTY, rows.values.length)
  const scores = scoreSeries(rows, (n) => progress.advance(n, input), model)
  progress.done()
  const body = formatScoredCsv(rows, scores)
  if (output === undefined) io.stdout(body)
  else await writeOut(output, body)
}

async function runTree(inDir: string, outDir: string, prefix: string, jobs: number, model: ModelName, io: DetectIO): Promise<number> {
  let files: string[]
  try {
    files = await listCsv(inDir)
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error'
    io.stderr(`odin-agent detect: ${inDir}: cannot list (${code})\n`)
    return 1
  }
  if (files.length === 0) {
    io.stderr(`odin-agent detect: ${inDir}: no .csv files\n`)
    return 1
  }
  // Total points for the bar (terminal only): a line count, cheap next to scoring; the text is
  // read again when its turn comes, so the tree is never held in memory at once.
  let total = 0
  if (io.stderrIsTTY) {
    for (const rel of files) {
      try {
        total += Math.max(0, countLines(await readText(join(inDir, rel))) - 1) // less the header
      } catch {
        // Reported when the file's turn comes.
      }
    }
  }
  let failed = 0
  const progress = createProgress(io.stderr, io.stderrIsTTY, total)
  const jobOf = (rel: string): FileJob => ({ input: join(inDir, rel), output: join(outDir, dirname(rel), prefix + basename(rel)), model })
  const report = (r: FileJobResult): void => {
    if ('error' in r) {
      failed++
      io.stderr(`${io.stderrIsTTY ? '\n' : ''}odin-agent detect: ${r.error}\n`)
    }
  }
  const lanes = Math.min(jobs, files.length)
  if (lanes > 1 && io.createPool) {
    // Each file gets its own detector, so scoring files side by side gives the same scores.
    // Largest first keeps the lanes even; errors are still reported in the files' order.
    const sizes = await Promise.all(
      files.map((rel) =>
        stat(join(inDir, rel)).then(
          (st) => st.size,
          () => 0,
        ),
      ),
    )
    const queue = files.map((_, i) => i).sort((a, b) => sizes[b]! - sizes[a]! || a - b)
    const results: (FileJobResult | undefined)[] = new Array(files.length)
    let reported = 0
    const pool = io.createPool(lanes)
    try {
      const lane = async (): Promise<void> => {
        for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
          const r = await pool.run(jobOf(files[i]!))
          if (!('error' in r)) progress.advance(r.points, files[i]!)
          results[i] = r
          for (; reported < files.length && results[reported]; reported++) report(results[reported]!)
        }
      }
      await Promise.all(Array.from({ length: lanes }, lane))
    } finally {
      await pool.close()
    }
  } else {
    for (const rel of files) {
      report(await scoreFileJob(jobOf(rel), (n) => progress.advance(n, rel)))
    }
  }
  progress.done()
  return failed > 0 ? 1 : 0
}

/**
 * `odin-agent detect`: 0 when every file was scored, 1 on a data error (file and line named on
 * stderr), 2 on a usage error (one line naming the flag).
 */
export async function runDetectCommand(argv: readonly string[], io: DetectIO): Promise<number> {
  let args: ReturnType<typeof parseDetectArgs>
  try {
    args = parseDetectArgs(argv)
  } catch (err) {
    if (err instanceof DetectUsageError) {
      io.stderr(`odin-agent detect: ${err.message}\n`)
      return 2
    }
    throw err
  }
  if (args.help) {
    io.stdout(DETECT_HELP)
    return 0
  }
  if (args.inputDir !== undefined && args.outputDir !== undefined) {
    return runTree(args.inputDir, args.outputDir, args.prefix, args.jobs ?? defaultJobs(), args.model, io)
  }
  try {
    await runOne(args.input!, args.output, args.model, io)
    return 0
  } catch (err) {
    if (err instanceof InputError) {
      io.stderr(`odin-agent detect: ${err.message}\n`)
      return 1
    }
    throw err
  }
}
