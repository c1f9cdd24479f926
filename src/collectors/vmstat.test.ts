import { describe, expect, it } from 'vitest'
import { collectFrom, family, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B, withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { NoDataError } from './types.ts'
import { vmstatCollector } from './vmstat.ts'

describe('vmstat collector', () => {
  it('exports the default fields as untyped node_vmstat_*', async () => {
    const families = await collectFrom(vmstatCollector, HOST_B)
    expect(families.map((f) => f.name).sort()).toEqual(['oom_kill', 'pgfault', 'pgmajfault', 'pgpgin', 'pgpgout', 'pswpin', 'pswpout'].map((n) => `node_vmstat_${n}`))
    expect(family(families, 'node_vmstat_pgfault')).toMatchObject({ type: 'untyped', help: '/proc/vmstat information field pgfault.' })
    expect(sampleValue(families, 'node_vmstat_oom_kill')).toBe(2)
  })

  it('honours --collector.vmstat.fields', async () => {
    const families = await collectFrom(vmstatCollector, { ...HOST_B, args: ['--collector.vmstat.fields=^(nr_free_pages|numa_.*)$'] })
    expect(families.map((f) => f.name)).toEqual(['node_vmstat_nr_free_pages', 'node_vmstat_numa_hit'])
  })

  it('rejects an invalid regexp flag and malformed files; no file is no data', async () => {
    // A bad pattern stops the agent at start, when the flags are parsed.
    await expect(collectFrom(vmstatCollector, { ...HOST_B, args: ['--collector.vmstat.fields=('] })).rejects.toThrow(
      /^--collector\.vmstat\.fields: invalid value "\(" \(accepted: a regular expression\)$/,
    )
    await expect(withProc({ vmstat: 'pgfault\n' }, (o) => collectFrom(vmstatCollector, o))).rejects.toBeInstanceOf(ParseError)
    await expect(collectFrom(vmstatCollector)).rejects.toBeInstanceOf(NoDataError)
  })
})
