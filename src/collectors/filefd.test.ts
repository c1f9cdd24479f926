import { describe, expect, it } from 'vitest'
import { collectFrom, sampleValue } from '../../test/helpers/collect.ts'
import { HOST_B, withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { filefdCollector } from './filefd.ts'
import { NoDataError } from './types.ts'

describe('filefd collector', () => {
  it('reads allocated and maximum from file-nr', async () => {
    const families = await collectFrom(filefdCollector, HOST_B)
    expect(sampleValue(families, 'node_filefd_allocated')).toBe(9216)
    expect(sampleValue(families, 'node_filefd_maximum')).toBe(9223372036854775807)
  })

  it('reports no data without the file and fails on a malformed one', async () => {
    await expect(collectFrom(filefdCollector)).rejects.toBeInstanceOf(NoDataError)
    await expect(withProc({ 'sys/fs/file-nr': '12\n' }, (o) => collectFrom(filefdCollector, o))).rejects.toBeInstanceOf(ParseError)
  })
})
