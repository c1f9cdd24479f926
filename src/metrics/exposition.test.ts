import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { EXPOSITION_CONTENT_TYPE, renderExposition } from './exposition.ts'
import type { MetricFamily } from './types.ts'

/** What prom-client's Registry renders for the same families (the format's reference here). */
async function promClientText(families: readonly MetricFamily[]): Promise<string> {
  const registry = new Registry()
  for (const f of families) {
    registry.registerMetric({
      name: f.name,
      help: f.help,
      type: f.type,
      aggregator: 'sum',
      get: () => ({ name: f.name, help: f.help, type: f.type, aggregator: 'sum', values: f.samples.map((s) => ({ labels: s.labels, value: s.value })) }),
      reset: () => {},
    } as never)
  }
  return registry.metrics()
}

const family = (name: string, samples: MetricFamily['samples'], help = `help of ${name}`, type: MetricFamily['type'] = 'gauge'): MetricFamily => ({ name, help, type, samples })

describe('renderExposition', () => {
  const cases: { name: string; families: MetricFamily[] }[] = [
    { name: 'no families', families: [] },
    { name: 'one unlabelled gauge', families: [family('node_load1', [{ labels: {}, value: 0.25 }])] },
    {
      name: 'counter, untyped and gauge with labels in their order',
      families: [
        family(
          'node_cpu_seconds_total',
          [
            { labels: { cpu: '0', mode: 'idle' }, value: 12.5 },
            { labels: { cpu: '0', mode: 'user' }, value: 3 },
          ],
          'Seconds the CPUs spent in each mode.',
          'counter',
        ),
        family('node_netstat_Tcp_InSegs', [{ labels: {}, value: 3 }], 'Statistic TcpInSegs.', 'untyped'),
        family('node_x', [{ labels: { z: '1', a: '2' }, value: -1 }]),
      ],
    },
    {
      name: 'hostile label values and help',
      families: [
        family(
          'node_weird',
          [
            { labels: { path: 'a"b\\c\nd' }, value: 1 },
            { labels: { path: '\\\\' }, value: 2 },
            { labels: { path: '"' }, value: 3 },
            { labels: { path: '' }, value: 4 },
            { labels: { path: 'ünïcødé ☃ {x="y"}' }, value: 5 },
            { labels: { path: 'crlf\r\nend' }, value: 6 },
          ],
          'Has "quotes", \\ slashes and a\nnewline.',
        ),
      ],
    },
    {
      name: 'values: infinities, huge, tiny, negative zero, integers above 2^53',
      families: [
        family('node_values', [
          { labels: { v: 'inf' }, value: Number.POSITIVE_INFINITY },
          { labels: { v: '-inf' }, value: Number.NEGATIVE_INFINITY },
          { labels: { v: 'big' }, value: 2 ** 64 },
          { labels: { v: 'above-2^53' }, value: 2 ** 53 + 2 },
          { labels: { v: 'tiny' }, value: 1e-300 },
          { labels: { v: 'neg-zero' }, value: -0 },
          { labels: { v: 'max' }, value: Number.MAX_VALUE },
        ]),
      ],
    },
    { name: 'a family without samples keeps HELP and TYPE', families: [family('node_empty', []), family('node_after', [{ labels: {}, value: 1 }])] },
  ]

  it.each(cases)('renders $name as prom-client does', async ({ families }) => {
    expect(renderExposition(families)).toBe(await promClientText(families))
  })

  it('spells NaN as the format does (prom-client writes Nan)', () => {
    expect(renderExposition([family('node_nan', [{ labels: {}, value: Number.NaN }])])).toBe('# HELP node_nan help of node_nan\n# TYPE node_nan gauge\nnode_nan NaN\n')
  })

  it('serves the 0.0.4 text content type', () => {
    expect(EXPOSITION_CONTENT_TYPE).toBe(new Registry().contentType)
  })
})
