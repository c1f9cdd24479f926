import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { runDetectCommand, scoreFileJob, type DetectPool, type FileJob } from '../../src/cli/detect/index.ts'
import { DAY, dailySeries, timeOf } from './synthetic.ts'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'odin-detect-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

async function detect(argv: string[], tty = false, createPool?: (size: number) => DetectPool) {
  let stdout = ''
  let stderr = ''
  const code = await runDetectCommand(argv, {
    stdout: (s) => void (stdout += s),
    stderr: (s) => void (stderr += s),
    stderrIsTTY: tty,
    createPool,
  })
  return { code, stdout, stderr }
}

/**
 * A pool in this thread whose jobs finish in reverse order of submission (the real one is worker
 * threads, tested on the binary): shows the tree comes out the same whatever order files finish.
 */
function reversingPool(log: { sizes: number[]; jobs: string[]; closed: number }) {
  return (size: number): DetectPool => {
    log.sizes.push(size)
    let pending = 0
    return {
      run: async (job: FileJob) => {
        log.jobs.push(job.input)
        const delay = 40 - 10 * pending++
        await new Promise((r) => setTimeout(r, Math.max(0, delay)))
        return scoreFileJob(job)
      },
      close: async () => {
        log.closed++
      },
    }
  }
}

const nabTime = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')

function seriesCsv(n: number, eol = '\n'): string {
  const xs = dailySeries(n, 0.5, 6)
  return ['timestamp,value', ...xs.map((x, i) => `${nabTime(timeOf(i))},${x.toFixed(3)}`)].join(eol) + eol
}

function parseOut(text: string) {
  const [head, ...rows] = text.trim().split('\n')
  return { head, rows: rows.map((r) => r.split(',')) }
}

describe('odin-agent detect: usage', () => {
  const cases: [string[], RegExp][] = [
    [[], /--input or --input-dir is required/],
    [['--input'], /--input needs a value/],
    [['--bogus', 'x'], /unknown flag --bogus/],
    [['--input', 'a.csv', '--input-dir', 'd'], /--input and --input-dir are exclusive/],
    [['--input-dir', 'd'], /--input-dir needs --output-dir/],
    [['--input', 'a.csv', '--prefix', 'p_'], /--prefix needs --input-dir/],
    [['--input', 'a.csv', '--output-dir', 'o'], /--output-dir needs --input-dir/],
    [['--input-dir', 'd', '--output-dir', 'o', '--output', 'x'], /--output needs --input/],
    [['--input-dir', 'd', '--output-dir', 'o', '--prefix', 'a/b'], /--prefix must not contain/],
    [['--input', 'a', '--input', 'b'], /--input given twice/],
    [['stray'], /unexpected argument "stray"/],
    [['--input-dir', 'd', '--output-dir', 'o', '--jobs', '0'], /--jobs: invalid value "0" \(accepted: an integer 1\.\.256\)/],
    [['--input-dir', 'd', '--output-dir', 'o', '--jobs=two'], /--jobs: invalid value "two"/],
    [['--input', 'a.csv', '--jobs', '2'], /--jobs needs --input-dir/],
    [['--input', 'a.csv', '--model', 'tiny'], /--model: invalid value "tiny" \(accepted: default, compact\)/],
  ]
  for (const [argv, msg] of cases) {
    it(`exits 2 with one line for ${JSON.stringify(argv)}`, async () => {
      const r = await detect(argv)
      expect(r.code).toBe(2)
      expect(r.stderr).toMatch(msg)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stdout).toBe('')
    })
  }

  it('prints help', async () => {
    const r = await detect(['--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^usage: odin-agent detect/)
  })
})

describe('odin-agent detect: one file', () => {
  it('--model compact scores with the compact model, differently from the default', async () => {
    const input = join(dir, 'in.csv')
    writeFileSync(input, seriesCsv(3 * DAY))
    const def = await detect(['--input', input])
    const compact = await detect(['--input', input, '--model', 'compact'])
    expect(compact.code).toBe(0)
    const a = parseOut(def.stdout).rows
    const b = parseOut(compact.stdout).rows
    expect(b.map((r) => `${r[0]},${r[1]}`)).toEqual(a.map((r) => `${r[0]},${r[1]}`))
    expect(b.map((r) => r[2])).not.toEqual(a.map((r) => r[2]))
    expect(b.every((r) => Number(r[2]) >= 0 && Number(r[2]) <= 1)).toBe(true)
  })

  it('writes timestamp,value,anomaly_score, echoing the input text, scores in [0, 1]', async () => {
    const input = join(dir, 'in.csv')
    writeFileSync(input, seriesCsv(3 * DAY))
    const r = await detect(['--input', input])
    expect(r.code).toBe(0)
    const { head, rows } = parseOut(r.stdout)
    expect(head).toBe('timestamp,value,anomaly_score')
    const inRows = readFileSync(input, 'utf8').trim().split('\n').slice(1)
    expect(rows).toHaveLength(inRows.length)
    rows.forEach((row, i) => {
      expect(`${row[0]},${row[1]}`).toBe(inRows[i])
      const s = Number(row[2])
      expect(s >= 0 && s <= 1).toBe(true)
    })
  })

  it('accepts CRLF, a BOM, blank lines, a missing header and ISO or epoch timestamps', async () => {
    const lines = ['\uFEFF2024-01-01T00:00:00Z,1', '', '2024-01-01T00:05:00+00:00,2\r', '1704068700,3\r', '  ', '1704069000000,4', '2024-01-01 00:20,5']
    const input = join(dir, 'odd.csv')
    writeFileSync(input, `${lines.join('\n')}\r\n\r\n`)
    const r = await detect(['--input', input, '--output', join(dir, 'out.csv')])
    expect(r.code).toBe(0)
    const { rows } = parseOut(readFileSync(join(dir, 'out.csv'), 'utf8'))
    expect(rows.map((row) => row[1])).toEqual(['1', '2', '3', '4', '5'])
  })

  const bad: [string, string, RegExp][] = [
    ['a bad value', 'timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,abc\n', /bad\.csv:3: value "abc"/],
    ['an empty value', 'timestamp,value\n2024-01-01 00:00:00,\n', /bad\.csv:2: value ""/],
    ['NaN', '2024-01-01 00:00:00,1\n2024-01-01 00:05:00,NaN\n', /bad\.csv:2: value "NaN" is not a finite number/],
    ['a bad timestamp', 'timestamp,value\n\n2024-13-01 00:00:00,1\n', /bad\.csv:3: bad timestamp "2024-13-01 00:00:00"/],
    ['Feb 30', 'timestamp,value\n2024-02-30 00:00:00,1\n', /bad\.csv:2: bad timestamp/],
    ['no comma', 'timestamp,value\n2024-01-01 00:00:00 1\n', /bad\.csv:2: expected timestamp,value/],
  ]
  for (const [name, text, msg] of bad) {
    it(`exits 1 naming the file and line for ${name}`, async () => {
      const input = join(dir, 'bad.csv')
      writeFileSync(input, text)
      const r = await detect(['--input', input])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(msg)
      expect(r.stdout).toBe('')
    })
  }

  it('exits 1 naming a file it cannot read', async () => {
    const r = await detect(['--input', join(dir, 'absent.csv')])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/absent\.csv: cannot read \(ENOENT\)/)
  })

  it('is causal: a prefix of the file gets the same scores as the same rows of the whole', async () => {
    const text = seriesCsv(4 * DAY)
    const lines = text.trim().split('\n')
    writeFileSync(join(dir, 'full.csv'), text)
    writeFileSync(join(dir, 'prefix.csv'), `${lines.slice(0, 2 * DAY + 37).join('\n')}\n`)
    const full = parseOut((await detect(['--input', join(dir, 'full.csv')])).stdout).rows
    const prefix = parseOut((await detect(['--input', join(dir, 'prefix.csv')])).stdout).rows
    expect(prefix).toEqual(full.slice(0, prefix.length))
  })

  it('draws a progress bar on a terminal only', async () => {
    const input = join(dir, 'in.csv')
    writeFileSync(input, seriesCsv((100 * DAY) / 4))
    expect((await detect(['--input', input], true)).stderr).toMatch(/detect \[#+-*\] +\d+% \d+\/7200 points/)
    expect((await detect(['--input', input], false)).stderr).toBe('')
  })
})

describe('odin-agent detect: a tree', () => {
  it('mirrors the layout with the prefix, skips non-CSV files, one configuration for all', async () => {
    const inDir = join(dir, 'in')
    mkdirSync(join(inDir, 'a', 'deep'), { recursive: true })
    mkdirSync(join(inDir, 'b'))
    writeFileSync(join(inDir, 'a', 'one.csv'), seriesCsv(DAY))
    writeFileSync(join(inDir, 'a', 'deep', 'two.csv'), seriesCsv(DAY))
    writeFileSync(join(inDir, 'b', 'three.CSV'), seriesCsv(DAY))
    writeFileSync(join(inDir, 'README.md'), 'not data')
    const outDir = join(dir, 'out')
    const r = await detect(['--input-dir', inDir, '--output-dir', outDir, '--prefix', 'odin_'])
    expect(r.code).toBe(0)
    expect(readdirSync(join(outDir, 'a')).sort()).toEqual(['deep', 'odin_one.csv'])
    expect(readdirSync(join(outDir, 'a', 'deep'))).toEqual(['odin_two.csv'])
    expect(readdirSync(join(outDir, 'b'))).toEqual(['odin_three.CSV'])
    // Same input, same configuration: same scores wherever the file sits.
    expect(readFileSync(join(outDir, 'a', 'odin_one.csv'), 'utf8')).toBe(readFileSync(join(outDir, 'a', 'deep', 'odin_two.csv'), 'utf8'))
  })

  it('scores the good files and exits 1 naming the bad one', async () => {
    const inDir = join(dir, 'in')
    mkdirSync(inDir)
    writeFileSync(join(inDir, 'good.csv'), seriesCsv(50))
    writeFileSync(join(inDir, 'worse.csv'), 'timestamp,value\n2024-01-01 00:00:00,x\n')
    const r = await detect(['--input-dir', inDir, '--output-dir', join(dir, 'out')])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/worse\.csv:2: value "x"/)
    expect(readdirSync(join(dir, 'out'))).toEqual(['good.csv'])
  })

  it('draws one progress bar over the whole tree on a terminal', async () => {
    const inDir = join(dir, 'in')
    mkdirSync(inDir)
    for (const name of ['a.csv', 'b.csv']) writeFileSync(join(inDir, name), seriesCsv(15_000))
    const r = await detect(['--input-dir', inDir, '--output-dir', join(dir, 'out')], true)
    expect(r.code).toBe(0)
    expect(r.stderr).toMatch(/detect \[#+-*\] +\d+% \d+\/30000 points/)
    expect(r.stderr.endsWith('\n')).toBe(true)
  })

  it('--jobs N scores files side by side with the same scores and the errors in file order', async () => {
    const inDir = join(dir, 'in')
    mkdirSync(inDir)
    writeFileSync(join(inDir, 'a-bad.csv'), 'timestamp,value\n2024-01-01 00:00:00,x\n')
    writeFileSync(join(inDir, 'b.csv'), seriesCsv(DAY))
    writeFileSync(join(inDir, 'c-big.csv'), seriesCsv(2 * DAY))
    writeFileSync(join(inDir, 'd-bad.csv'), 'timestamp,value\nnot a time,1\n')
    const serial = await detect(['--input-dir', inDir, '--output-dir', join(dir, 'serial'), '--jobs', '1'])
    const log = { sizes: [] as number[], jobs: [] as string[], closed: 0 }
    const parallel = await detect(['--input-dir', inDir, '--output-dir', join(dir, 'par'), '--jobs', '3'], false, reversingPool(log))
    expect(serial.code).toBe(1)
    expect(parallel.code).toBe(1)
    expect(parallel.stderr).toBe(serial.stderr)
    expect(parallel.stderr.indexOf('a-bad.csv')).toBeLessThan(parallel.stderr.indexOf('d-bad.csv'))
    for (const name of ['b.csv', 'c-big.csv']) {
      expect(readFileSync(join(dir, 'par', name), 'utf8')).toBe(readFileSync(join(dir, 'serial', name), 'utf8'))
    }
    expect(log.sizes).toEqual([3])
    expect(log.closed).toBe(1)
    expect(log.jobs[0]).toMatch(/c-big\.csv$/) // largest first
  })

  it('--jobs 1 never starts a pool', async () => {
    const inDir = join(dir, 'in')
    mkdirSync(inDir)
    writeFileSync(join(inDir, 'a.csv'), seriesCsv(50))
    writeFileSync(join(inDir, 'b.csv'), seriesCsv(50))
    const log = { sizes: [] as number[], jobs: [] as string[], closed: 0 }
    const r = await detect(['--input-dir', inDir, '--output-dir', join(dir, 'out'), '--jobs', '1'], false, reversingPool(log))
    expect(r.code).toBe(0)
    expect(log.sizes).toEqual([])
  })

  it('exits 1 for a directory without CSV files', async () => {
    mkdirSync(join(dir, 'empty'))
    const r = await detect(['--input-dir', join(dir, 'empty'), '--output-dir', join(dir, 'out')])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/no \.csv files/)
  })
})
