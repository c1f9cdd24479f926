import { describe, expect, it } from 'vitest'
import { KlogRecords } from '../../src/gpu/klog-records.ts'
import { parseKmsgRecord } from '../../src/gpu/xid.ts'

describe('KlogRecords: syslog(2) text as /dev/kmsg records', () => {
  it.each([
    [
      'a record',
      '<4>[   12.345678] NVRM: Xid (PCI:0000:3b:00): 79, GPU has fallen off the bus.',
      [{ seq: 12_345_678 * 16, timestampUs: 12_345_678, message: 'NVRM: Xid (PCI:0000:3b:00): 79, GPU has fallen off the bus.' }],
    ],
    ['no space after the timestamp', '<6>[0.000001]x', [{ seq: 16, timestampUs: 1, message: 'x' }]],
    [
      'two records of one microsecond stay apart',
      '<6>[1.000000] a\n<6>[1.000000] b',
      [
        { seq: 16_000_000, timestampUs: 1_000_000, message: 'a' },
        { seq: 16_000_001, timestampUs: 1_000_000, message: 'b' },
      ],
    ],
    ['a CRLF line', '<6>[1.000000] a\r', [{ seq: 16_000_000, timestampUs: 1_000_000, message: 'a' }]],
    // hostile or foreign lines are skipped
    ['printk.time off (no timestamp)', '<6>NVRM: Xid (PCI:0000:3b:00): 79, x', []],
    ['a continuation line', ' SUBSYSTEM=pci', []],
    ['a short fraction', '<6>[1.5] a', []],
    ['a huge priority', '<123456>[1.000000] a', []],
    ['an absurd timestamp', '<6>[123456789012.000000] a', []],
    ['empty', '', []],
  ])('%s', (_name, text, want) => {
    expect(new KlogRecords(() => '').convert(text).map(parseKmsgRecord)).toEqual(want)
  })

  it('hands out only records newer than the last call, the whole buffer coming back each time', () => {
    let text = '<6>[1.000000] a\n<6>[2.000000] b\n'
    const r = new KlogRecords(() => text)
    expect(r.readLines().map((l) => parseKmsgRecord(l)?.message)).toEqual(['a', 'b'])
    expect(r.readLines()).toEqual([])
    text = '<6>[2.000000] b\n<6>[3.000000] c\n' // the ring dropped a
    expect(r.readLines().map((l) => parseKmsgRecord(l)?.message)).toEqual(['c'])
  })
})
