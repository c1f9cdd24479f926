import { describe, expect, it } from 'vitest'
import { ParseError } from './parse-error.ts'
import { parsePromText } from './prom-text.ts'

describe('parsePromText', () => {
  it('parses HELP, TYPE, labels with escapes, and special values', () => {
    const families = parsePromText(
      [
        '# HELP backup_last_success_seconds When the last backup finished.\\nSecond line \\\\ done',
        '# TYPE backup_last_success_seconds gauge',
        'backup_last_success_seconds{job="nightly",path="C:\\\\data",note="say \\"hi\\"\\nbye"} 1.7e9',
        'backup_last_success_seconds{job="weekly",} +Inf',
        '# a plain comment',
        'jobs_running NaN',
        '',
      ].join('\n'),
    )
    expect(families).toHaveLength(2)
    const [backup, jobs] = families
    expect(backup?.help).toBe('When the last backup finished.\nSecond line \\ done')
    expect(backup?.type).toBe('gauge')
    expect(backup?.samples[0]).toEqual({
      name: 'backup_last_success_seconds',
      labels: { job: 'nightly', path: 'C:\\data', note: 'say "hi"\nbye' },
      value: 1.7e9,
    })
    expect(backup?.samples[1]?.value).toBe(Number.POSITIVE_INFINITY)
    expect(jobs).toMatchObject({ name: 'jobs_running', type: 'untyped' })
    expect(jobs?.help).toBeUndefined()
    expect(jobs?.samples[0]?.value).toBeNaN()
  })

  it('keeps timestamps so the caller can reject them', () => {
    const [f] = parsePromText('metric_with_ts 1 1441205977284\nnormal 2\n')
    expect(f?.samples[0]?.timestampMs).toBe(1441205977284)
  })

  it('groups summary and histogram samples under their family', () => {
    const text = [
      '# TYPE rpc_seconds summary',
      'rpc_seconds{quantile="0.5"} 0.1',
      'rpc_seconds_sum 10',
      'rpc_seconds_count 100',
      '# TYPE size_bytes histogram',
      'size_bytes_bucket{le="1024"} 3',
      'size_bytes_bucket{le="+Inf"} 4',
      'size_bytes_sum 5000',
      'size_bytes_count 4',
      'unrelated_sum 1',
    ].join('\n')
    const families = parsePromText(text)
    expect(families.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['rpc_seconds', 'summary', 3],
      ['size_bytes', 'histogram', 4],
      ['unrelated_sum', 'untyped', 1],
    ])
  })

  it('tolerates CRLF, tabs, leading blanks and an empty HELP', () => {
    const families = parsePromText('# HELP a \r\n# TYPE a counter\r\n\t a_total_not 1\r\na{x="1"}\t2\r\n')
    expect(families.find((f) => f.name === 'a')).toMatchObject({ type: 'counter', samples: [{ value: 2 }] })
    expect(families.find((f) => f.name === 'a')?.help).toBeUndefined()
  })

  it('drops families declared without samples and parses an empty file', () => {
    expect(parsePromText('# HELP lonely x\n# TYPE lonely gauge\n')).toEqual([])
    expect(parsePromText('')).toEqual([])
  })

  it.each([
    ['missing value', 'metric\n'],
    ['bad value', 'metric one\n'],
    ['hex value', 'metric 0x10\n'],
    ['extra token', 'metric 1 2 3\n'],
    ['float timestamp', 'metric 1 2.5\n'],
    ['bad metric name', '1metric 1\n'],
    ['bad label name', 'metric{1a="x"} 1\n'],
    ['unterminated label value', 'metric{a="x} 1\n'],
    ['missing quote', 'metric{a=x} 1\n'],
    ['missing comma', 'metric{a="x" b="y"} 1\n'],
    ['duplicate label', 'metric{a="x",a="y"} 1\n'],
    ['reserved label', 'metric{__name__="x"} 1\n'],
    ['bad escape in label', 'metric{a="\\t"} 1\n'],
    ['bad escape in help', '# HELP metric tab\\t\nmetric 1\n'],
    ['unknown type', '# TYPE metric enum\nmetric 1\n'],
    ['second TYPE', '# TYPE metric gauge\n# TYPE metric gauge\nmetric 1\n'],
    ['TYPE after samples', 'metric 1\n# TYPE metric gauge\n'],
    ['second HELP', '# HELP metric a\n# HELP metric b\nmetric 1\n'],
    ['bucket without le', '# TYPE h histogram\nh_bucket 1\n'],
    ['bucket with non-float le', '# TYPE h histogram\nh_bucket{le="big"} 1\n'],
    ['histogram without suffix', '# TYPE h histogram\nh 1\n'],
    ['quantile missing', '# TYPE s summary\ns 1\n'],
    ['name glued to value', 'metric{a="b"}1\n'],
    ['truncated line', 'metric{a="b"'],
  ])('rejects %s', (_what, text) => {
    expect(() => parsePromText(text)).toThrowError(ParseError)
  })

  it('names the offending line', () => {
    expect(() => parsePromText('ok 1\n\nbroken\n')).toThrowError(/line 3/)
  })
})
