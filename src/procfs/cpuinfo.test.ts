import { describe, expect, it } from 'vitest'
import { parseCpuInfo, parseCpuList } from './cpuinfo.ts'
import { ParseError } from './parse-error.ts'

const X86 = `processor	: 0
vendor_id	: GenuineIntel
cpu family	: 6
model		: 85
model name	: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz
stepping	: 7
microcode	: 0x5003604
cpu MHz		: 2100.000
cache size	: 28160 KB
physical id	: 0
siblings	: 2
core id		: 0
cpu cores	: 1
flags		: fpu vme de pse tsc msr aes avx avx2 constant_tsc
bugs		: spectre_v1 spectre_v2 mds
power management:

processor	: 1
vendor_id	: GenuineIntel
cpu family	: 6
model		: 85
model name	: Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz
stepping	: 7
microcode	: 0x5003604
cache size	: 28160 KB
physical id	: 1
core id		: 0
flags		: fpu aes
bugs		:
`

describe('parseCpuInfo', () => {
  it('parses x86 processor blocks into the node_cpu_info fields', () => {
    const cpus = parseCpuInfo(X86)
    expect(cpus).toHaveLength(2)
    expect(cpus[0]).toEqual({
      processor: '0',
      vendor: 'GenuineIntel',
      family: '6',
      model: '85',
      modelName: 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz',
      stepping: '7',
      microcode: '0x5003604',
      cacheSize: '28160 KB',
      physicalId: '0',
      coreId: '0',
      flags: ['fpu', 'vme', 'de', 'pse', 'tsc', 'msr', 'aes', 'avx', 'avx2', 'constant_tsc'],
      bugs: ['spectre_v1', 'spectre_v2', 'mds'],
      mhz: '2100.000',
    })
    expect(cpus[1]).toMatchObject({ processor: '1', physicalId: '1', flags: ['fpu', 'aes'], bugs: [] })
  })

  it.each([
    ['an empty file', '', 0],
    ['CRLF line ends', X86.replaceAll('\n', '\r\n'), 2],
    ['a truncated block', 'processor\t: 0\nvendor_id\t: Genu', 1],
    ['lines before the first processor (ARM header)', 'Processor\t: AArch64 Processor rev 4 (aarch64)\nprocessor\t: 0\nFeatures\t: fp asimd evtstrm\n', 1],
    ['garbage without colons', 'no colon here\nnor here\n', 0],
  ])('handles %s', (_name, text, count) => {
    expect(parseCpuInfo(text)).toHaveLength(count)
  })

  it('gives each core its own flags and bugs when they differ (lists are shared only when equal)', () => {
    const block = (n: number, flags: string, bugs: string) => `processor\t: ${n}\nflags\t\t: ${flags}\nbugs\t\t: ${bugs}\n`
    const cpus = parseCpuInfo([block(0, 'fpu sse2 avx', 'mds'), block(1, 'fpu sse2 avx', 'mds'), block(2, 'fpu  sse2 ', ''), block(3, 'fpu sse2 avx', 'mds')].join('\n'))
    expect(cpus.map((c) => c.flags)).toEqual([
      ['fpu', 'sse2', 'avx'],
      ['fpu', 'sse2', 'avx'],
      ['fpu', 'sse2'],
      ['fpu', 'sse2', 'avx'],
    ])
    expect(cpus.map((c) => c.bugs)).toEqual([['mds'], ['mds'], [], ['mds']])
    expect(Object.isFrozen(cpus[0]?.flags)).toBe(true)
  })

  it('reads ARM Features as flags and leaves absent fields empty', () => {
    const [cpu] = parseCpuInfo('processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd crc32\nCPU implementer\t: 0x41\n')
    expect(cpu).toMatchObject({ processor: '0', flags: ['fp', 'asimd', 'crc32'], vendor: '', modelName: '' })
  })
})

describe('parseCpuList', () => {
  it.each([
    ['1,3-5,9\n', [1, 3, 4, 5, 9]],
    ['0-3', [0, 1, 2, 3]],
    ['\n', []],
    ['', []],
    ['7\r\n', [7]],
  ])('parses %j', (text, want) => {
    expect(parseCpuList(text)).toEqual(want)
  })

  it.each(['1,a', '5-3', '0-99999999', '1,,2', '-1'])('rejects %j', (text) => {
    expect(() => parseCpuList(text)).toThrowError(ParseError)
  })
})
