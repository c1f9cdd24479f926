import { describe, expect, it } from 'vitest'
import { collectFrom, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B, withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { entropyCollector } from './entropy.ts'
import { NoDataError } from './types.ts'

describe('entropy collector', () => {
  it('reads available bits and pool size', async () => {
    const families = await collectFrom(entropyCollector, HOST_B)
    expect(sampleValue(families, 'node_entropy_available_bits')).toBe(256)
    expect(sampleValue(families, 'node_entropy_pool_size_bits')).toBe(256)
  })

  it('reports no data without the files and fails on garbage', async () => {
    await expect(collectFrom(entropyCollector)).rejects.toBeInstanceOf(NoDataError)
    const files = { 'sys/kernel/random/entropy_avail': 'lots\n', 'sys/kernel/random/poolsize': '256\n' }
    await expect(withProc(files, (o) => collectFrom(entropyCollector, o))).rejects.toBeInstanceOf(ParseError)
  })
})
