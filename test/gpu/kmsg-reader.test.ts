import { accessSync, constants, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { KmsgReader } from '../../src/gpu/kmsg-reader.ts'
import { parseKmsgRecord } from '../../src/gpu/xid.ts'

function readable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK)
    const r = new KmsgReader(path)
    r.open()
    r.close()
    return true
  } catch {
    return false
  }
}

describe('KmsgReader', () => {
  it('reads a plain file in whole lines and resumes where it stopped', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'odin-kmsg-')), 'log')
    writeFileSync(path, '6,1,0,-;a\n6,2,1,-;b')
    const r = new KmsgReader(path)
    expect(r.readLines()).toEqual(['6,1,0,-;a'])
    writeFileSync(path, '6,1,0,-;a\n6,2,1,-;b\n6,3,2,-;c\n')
    expect(r.readLines()).toEqual(['6,2,1,-;b', '6,3,2,-;c'])
    expect(r.readLines()).toEqual([])
    r.close()
  })

  it('an empty file gives no lines; a missing one throws ENOENT', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'odin-kmsg-')), 'log')
    writeFileSync(path, '')
    expect(new KmsgReader(path).readLines()).toEqual([])
    expect(() => new KmsgReader(`${path}.absent`).open()).toThrow(expect.objectContaining({ code: 'ENOENT' }))
  })

  it.skipIf(!readable('/dev/kmsg'))('reads /dev/kmsg to its end without blocking, then only new records', () => {
    const r = new KmsgReader('/dev/kmsg')
    const first = r.readLines()
    expect(first.length).toBeGreaterThan(0)
    const seqs = first
      .map(parseKmsgRecord)
      .filter((x) => x !== undefined)
      .map((x) => x.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
    const t0 = performance.now()
    const again = r.readLines()
    expect(performance.now() - t0).toBeLessThan(1000)
    for (const line of again) {
      const rec = parseKmsgRecord(line)
      if (rec) {
        expect(rec.seq).toBeGreaterThan(seqs.at(-1) as number)
      }
    }
    r.close()
  })
})
