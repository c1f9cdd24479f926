import { describe, expect, it } from 'vitest'
import { collectFrom, family, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B, withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { softnetCollector } from './softnet.ts'
import { NoDataError } from './types.ts'

describe('softnet collector', () => {
  it('labels rows with the CPU id the kernel prints (CPU 1 offline here)', async () => {
    const families = await collectFrom(softnetCollector, HOST_B)
    expect(sampleValue(families, 'node_softnet_processed_total', { cpu: '0' })).toBe(123456)
    expect(sampleValue(families, 'node_softnet_processed_total', { cpu: '2' })).toBe(1000000)
    expect(sampleValue(families, 'node_softnet_flow_limit_count_total', { cpu: '2' })).toBe(5)
    expect(sampleValue(families, 'node_softnet_backlog_len', { cpu: '2' })).toBe(7)
    expect(family(families, 'node_softnet_backlog_len')?.type).toBe('gauge')
    expect(sampleValue(families, 'node_softnet_dropped_total', { cpu: '1' })).toBeUndefined()
  })

  it('reports no data without the file and fails on short rows', async () => {
    await expect(collectFrom(softnetCollector)).rejects.toBeInstanceOf(NoDataError)
    await expect(withProc({ 'net/softnet_stat': '1 2 3\n' }, (o) => collectFrom(softnetCollector, o))).rejects.toBeInstanceOf(ParseError)
  })
})
