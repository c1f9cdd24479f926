import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectFrom, family, sampleValue } from '../../test/helpers/collect.ts'
import { fsError, hostA, overlayFS } from '../../test/fixtures/host-a/host.ts'
import { meminfoCollector } from './meminfo.ts'
import { NoDataError } from './types.ts'

describe('meminfo collector on host-a', () => {
  it('turns every /proc/meminfo line into node_memory_<Field>[_bytes]', async () => {
    const fams = await collectFrom(meminfoCollector, hostA)
    expect(fams).toHaveLength(readFileSync(join(hostA.procfs, 'meminfo'), 'utf8').trim().split('\n').length)
    expect(sampleValue(fams, 'node_memory_MemTotal_bytes')).toBe(15728640 * 1024)
    expect(sampleValue(fams, 'node_memory_Active_anon_bytes')).toBe(2550784 * 1024)
    expect(sampleValue(fams, 'node_memory_HugePages_Total')).toBe(0)
    expect(sampleValue(fams, 'node_memory_VmallocTotal_bytes')).toBe(34359738367 * 1024)
    expect(family(fams, 'node_memory_MemAvailable_bytes')).toMatchObject({ type: 'gauge', help: 'Memory information field MemAvailable_bytes.' })
  })

  it('reports a missing file as no data, EACCES and a corrupt file as failures', async () => {
    await expect(collectFrom(meminfoCollector, { procfs: '/nonexistent' })).rejects.toBeInstanceOf(NoDataError)
    const denied = await collectFrom(meminfoCollector, { ...hostA, fs: overlayFS({ 'proc/meminfo': fsError('EACCES', 'proc/meminfo') }) }).catch((e: unknown) => e)
    expect(denied).not.toBeInstanceOf(NoDataError)
    await expect(collectFrom(meminfoCollector, { ...hostA, fs: overlayFS({ 'proc/meminfo': 'MemTotal: lots kB\n' }) })).rejects.toThrowError(/MemTotal/)
  })
})
