import { describe, expect, it } from 'vitest'
import { pciKey } from '../../src/gpu/pci.ts'
import { parseNvidiaProcInformation } from '../../src/gpu/proc-driver.ts'
import { parseGpuAtMessage, parseKmsgRecord, parseXidMessage } from '../../src/gpu/xid.ts'
import { emptyXidState, parseXidState, serializeXidState, xidKey } from '../../src/gpu/xid-state.ts'

describe('parseKmsgRecord', () => {
  it('reads priority, sequence, timestamp and message', () => {
    expect(parseKmsgRecord('4,1879,93600000000,-;NVRM: Xid (PCI:0000:2a:00): 79, pid=1, GPU has fallen off the bus.')).toEqual({
      seq: 1879,
      timestampUs: 93600000000,
      message: 'NVRM: Xid (PCI:0000:2a:00): 79, pid=1, GPU has fallen off the bus.',
    })
  })

  it('keeps ";" inside the message and tolerates extra header fields and CR', () => {
    expect(parseKmsgRecord('6,5,10,c,caller=T1;a;b\r')).toEqual({ seq: 5, timestampUs: 10, message: 'a;b' })
  })

  it.each([' SUBSYSTEM=pci', ' DEVICE=+pci:0000:18:00.0', '', 'no header', ';msg', '6,x,10,-;m', '6,1;m', '[  12.3] NVRM: Xid (PCI:0000:18:00): 13'])(
    '%j is not a record',
    (line) => {
      expect(parseKmsgRecord(line)).toBeUndefined()
    },
  )
})

describe('parseXidMessage', () => {
  it.each([
    ['NVRM: Xid (PCI:0000:3b:00): 79, pid=1234, GPU has fallen off the bus.', { pci: '0000:3b:00', xid: 79 }],
    ['NVRM: Xid (PCI:0000:3B:00): 48, pid=, An uncorrectable double bit error', { pci: '0000:3b:00', xid: 48 }],
    ['NVRM: Xid (0000:03:00): 13, 0003 00000000 0000a1c0 00000144 00000000', { pci: '0000:03:00', xid: 13 }],
    ['NVRM: Xid (PCI:0000:c1:00 GPU-I:02): 43, pid=5512, name=python', { pci: '0000:c1:00', xid: 43 }],
    ['NVRM: Xid (PCI:0001:c1:00): 94, pid=99, Contained ECC error', { pci: '0001:c1:00', xid: 94 }],
    ['NVRM: Xid (PCI:0000:18:00): 119', { pci: '0000:18:00', xid: 119 }],
  ])('%j', (msg, want) => {
    expect(parseXidMessage(msg)).toEqual(want)
  })

  it.each([
    'NVRM: GPU 0000:2a:00.0: GPU has fallen off the bus.',
    'NVRM: Xid (PCI:zz:00): 13, x',
    'NVRM: Xid (PCI:0000:18:00): abc',
    'nvidia-modeset: Xid (PCI:0000:18:00): 13',
    'NVRM: Xid (PCI:0000:18:00) 13',
    '',
  ])('%j is not an Xid', (msg) => {
    expect(parseXidMessage(msg)).toBeUndefined()
  })
})

describe('parseGpuAtMessage, pciKey, /proc/driver/nvidia information', () => {
  it('learns a UUID from the driver naming a GPU', () => {
    expect(parseGpuAtMessage('NVRM: GPU at PCI:0000:18:00: GPU-11111111-2222-3333-4444-000000000000')).toEqual({
      pci: '0000:18:00',
      uuid: 'GPU-11111111-2222-3333-4444-000000000000',
    })
    expect(parseGpuAtMessage('NVRM: GPU Board Serial Number: 1650000000001')).toBeUndefined()
  })

  it.each([
    ['00000000:3B:00.0', '0000:3b:00'],
    ['0000:3b:00.0', '0000:3b:00'],
    ['PCI:0000:3b:00', '0000:3b:00'],
    ['3b:00.0', '0000:3b:00'],
    ['00000001:C1:00.0', '0001:c1:00'],
  ])('pciKey(%j) = %j', (text, want) => {
    expect(pciKey(text)).toBe(want)
  })

  it.each(['', 'N/A', '0000:3b', 'xx:yy:zz'])('pciKey(%j) is undefined', (text) => {
    expect(pciKey(text)).toBeUndefined()
  })

  it('reads the information file, CRLF and missing keys included', () => {
    expect(parseNvidiaProcInformation('Model: \t\t NVIDIA A100\r\nGPU UUID: \t GPU-abc\r\nDevice Minor: \t 3\r\n')).toEqual({ model: 'NVIDIA A100', uuid: 'GPU-abc', minor: 3 })
    expect(parseNvidiaProcInformation('')).toEqual({ model: '', uuid: '', minor: undefined })
  })
})

describe('Xid state file', () => {
  const boot = 'boot-a'

  it('round-trips', () => {
    const s = emptyXidState(boot)
    s.lastSeq = 1881
    s.counts.set(xidKey('0000:18:00', 13), { pci: '0000:18:00', xid: 13, count: 2, lastTimestamp: 1.5e9 })
    s.uuids.set('0000:18:00', 'GPU-x')
    const back = parseXidState(serializeXidState(s), boot)
    expect(back.lastSeq).toBe(1881)
    expect([...back.counts.values()]).toEqual([{ pci: '0000:18:00', xid: 13, count: 2, lastTimestamp: 1.5e9 }])
    expect(back.uuids.get('0000:18:00')).toBe('GPU-x')
  })

  it.each([
    ['another boot', JSON.stringify({ version: 1, bootId: 'boot-b', lastSeq: 5, counts: [] })],
    ['another version', JSON.stringify({ version: 9, bootId: boot, lastSeq: 5, counts: [] })],
    ['truncated JSON', '{"version":1,"bootId":"boot-a","lastSe'],
    ['empty file', ''],
    ['not an object', '[1,2]'],
    ['NaN sequence', '{"version":1,"bootId":"boot-a","lastSeq":"x","counts":[]}'],
  ])('%s starts fresh', (_, text) => {
    const s = parseXidState(text, boot)
    expect(s.lastSeq).toBe(-1)
    expect(s.counts.size).toBe(0)
  })

  it('skips malformed count entries and keeps the good ones', () => {
    const s = parseXidState(
      JSON.stringify({
        version: 1,
        bootId: boot,
        lastSeq: 7,
        counts: [
          { pci: 'a', xid: 'x' },
          { pci: '0000:18:00', xid: 79, count: 1, lastTimestamp: 1 },
        ],
      }),
      boot,
    )
    expect(s.counts.size).toBe(1)
  })
})
