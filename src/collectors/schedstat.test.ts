import { describe, expect, it } from 'vitest'
import { collectFrom, family, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B, withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { schedstatCollector } from './schedstat.ts'
import { NoDataError } from './types.ts'

describe('schedstat collector', () => {
  it('exports running and waiting seconds and timeslices per CPU', async () => {
    const families = await collectFrom(schedstatCollector, HOST_B)
    expect(sampleValue(families, 'node_schedstat_running_seconds_total', { cpu: '0' })).toBe(1500)
    expect(sampleValue(families, 'node_schedstat_waiting_seconds_total', { cpu: '1' })).toBe(300)
    expect(sampleValue(families, 'node_schedstat_timeslices_total', { cpu: '1' })).toBe(5000)
    expect(family(families, 'node_schedstat_timeslices_total')?.type).toBe('counter')
  })

  it('reports no data without the file and fails on a truncated cpu line', async () => {
    await expect(collectFrom(schedstatCollector)).rejects.toBeInstanceOf(NoDataError)
    await expect(withProc({ schedstat: 'version 15\ncpu0 1 2 3\n' }, (o) => collectFrom(schedstatCollector, o))).rejects.toBeInstanceOf(ParseError)
  })
})
