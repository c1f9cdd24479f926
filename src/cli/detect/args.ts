import { MODEL_NAMES, type ModelName } from '../../detectors/anomaly/options.ts'

/** Flags of `odin-agent detect`. */
export interface DetectArgs {
  readonly help: boolean
  readonly input?: string
  readonly output?: string
  readonly inputDir?: string
  readonly outputDir?: string
  readonly prefix: string
  /** Files scored at once in directory mode; undefined: one per CPU (at most 8). */
  readonly jobs?: number
  /** The engine's model: 'default', or 'compact' (at most 64 KiB of state per series). */
  readonly model: ModelName
}

export class DetectUsageError extends Error {
  override readonly name = 'DetectUsageError'
}

export const DETECT_HELP = `usage: odin-agent detect --input FILE.csv [--output FILE.csv]
       odin-agent detect --input-dir DIR --output-dir DIR [--prefix P] [--jobs N]
       (either form takes [--model default|compact])

Scores a timestamp,value series (NAB's format) with the anomaly engine, one configuration for
every file, causally (each score sees only the rows before it and its own), and writes
timestamp,value,anomaly_score with the score in [0, 1].

  --input FILE       series to score
  --output FILE      where to write the scores (default: stdout)
  --input-dir DIR    score every *.csv under DIR
  --output-dir DIR   mirror DIR's layout here, one output per input
  --prefix P         prefix each output file name with P (directory mode)
  --jobs N           files scored in parallel in directory mode (default: one per CPU, at
                     most 8; 1 scores them one after another). Each file gets its own
                     detector, so the scores do not depend on N.
  --model M          default (100 trees of 512 rows), or compact (12 trees of 64 rows, at
                     most 64 KiB of state per series, for many series)

Timestamps: YYYY-MM-DD[ T]HH:MM[:SS[.fff]] with optional Z or +HH:MM (UTC when absent), or
epoch seconds (milliseconds when above 1e11). A header line is optional; blank lines, CRLF and
a UTF-8 BOM are accepted. Exit status: 0 ok, 1 a data error (file and line named), 2 usage.
`

const VALUED = new Set(['input', 'output', 'input-dir', 'output-dir', 'prefix', 'jobs', 'model'])

/** Parses argv; throws DetectUsageError with a one-line message naming the flag. */
export function parseDetectArgs(argv: readonly string[]): DetectArgs {
  const values = new Map<string, string>()
  let help = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--help' || arg === '-h') {
      help = true
      continue
    }
    if (!arg.startsWith('--')) throw new DetectUsageError(`unexpected argument ${JSON.stringify(arg)}`)
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq < 0 ? undefined : eq)
    if (!VALUED.has(name)) throw new DetectUsageError(`unknown flag --${name}`)
    let value: string | undefined
    if (eq >= 0) {
      value = arg.slice(eq + 1)
    } else {
      value = argv[i + 1]
      i++
    }
    if (value === undefined || value === '') throw new DetectUsageError(`--${name} needs a value`)
    if (values.has(name)) throw new DetectUsageError(`--${name} given twice`)
    values.set(name, value)
  }
  const args: DetectArgs = {
    help,
    input: values.get('input'),
    output: values.get('output'),
    inputDir: values.get('input-dir'),
    outputDir: values.get('output-dir'),
    prefix: values.get('prefix') ?? '',
    jobs: values.has('jobs') ? Number(values.get('jobs')) : undefined,
    model: (values.get('model') ?? 'default') as ModelName,
  }
  if (help) return args
  if (args.input !== undefined && args.inputDir !== undefined) {
    throw new DetectUsageError('--input and --input-dir are exclusive')
  }
  if (args.input === undefined && args.inputDir === undefined) {
    throw new DetectUsageError('--input or --input-dir is required')
  }
  if (args.input !== undefined && (args.outputDir !== undefined || values.has('prefix'))) {
    throw new DetectUsageError(`--${args.outputDir !== undefined ? 'output-dir' : 'prefix'} needs --input-dir`)
  }
  if (args.inputDir !== undefined && args.output !== undefined) {
    throw new DetectUsageError('--output needs --input (use --output-dir with --input-dir)')
  }
  if (args.inputDir !== undefined && args.outputDir === undefined) {
    throw new DetectUsageError('--input-dir needs --output-dir')
  }
  if (args.jobs !== undefined && !(Number.isInteger(args.jobs) && args.jobs >= 1 && args.jobs <= 256)) {
    throw new DetectUsageError(`--jobs: invalid value ${JSON.stringify(values.get('jobs'))} (accepted: an integer 1..256)`)
  }
  if (!MODEL_NAMES.includes(args.model)) {
    throw new DetectUsageError(`--model: invalid value ${JSON.stringify(values.get('model'))} (accepted: ${MODEL_NAMES.join(', ')})`)
  }
  if (args.jobs !== undefined && args.inputDir === undefined) {
    throw new DetectUsageError('--jobs needs --input-dir')
  }
  if (args.prefix.includes('/') || args.prefix.includes('\\')) {
    throw new DetectUsageError('--prefix must not contain a path separator')
  }
  return args
}
