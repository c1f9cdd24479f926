import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { withSys } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { tapestatsCollector } from './tapestats.ts'
import { NoDataError } from './types.ts'

const DEVICE = 'devices/pci0000:00/0000:00:1f.0/host2/target2:0:0/2:0:0:0/scsi_tape'

const stats = (name: string, values: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(values).map(([file, value]) => [`${DEVICE}/${name}/stats/${file}`, value]))

const ST0 = {
  in_flight: '1\n',
  io_ns: '9247011087720\n',
  other_cnt: '1409\n',
  read_byte_cnt: '979383912\n',
  read_cnt: '3741\n',
  read_ns: '33788355744\n',
  resid_cnt: '19\n',
  write_byte_cnt: '1496246784000\n',
  write_cnt: '53772916\n',
  write_ns: '5233597394395\n',
}

/** st0 and st1 with their no-rewind (nst*) and mode (st*a/l/m) siblings, linked as files. */
function tree(overrides: Record<string, string> = {}): Record<string, string> {
  const files: Record<string, string> = {}
  for (const name of ['st0', 'st0a', 'st0l', 'st0m', 'nst0', 'nst0a', 'st1', 'nst1']) {
    files[`class/scsi_tape/${name}`] = `../../${DEVICE}/${name}\n`
    Object.assign(files, stats(name, name.endsWith('1') ? { in_flight: '0\n', io_ns: '0x10\n' } : ST0))
  }
  return { ...files, ...overrides }
}

describe('tapestats collector', () => {
  it('exports st<N> drive statistics with nanoseconds as seconds', async () => {
    const families = await withSys(tree(), (o) => collectFrom(tapestatsCollector, o))
    const st0 = { device: 'st0' }
    expect(sampleValue(families, 'node_tape_io_now', st0)).toBe(1)
    expect(sampleValue(families, 'node_tape_io_time_seconds_total', st0)).toBe(9247011087720 * 0.000000001)
    expect(sampleValue(families, 'node_tape_io_others_total', st0)).toBe(1409)
    expect(sampleValue(families, 'node_tape_read_bytes_total', st0)).toBe(979383912)
    expect(sampleValue(families, 'node_tape_reads_completed_total', st0)).toBe(3741)
    expect(sampleValue(families, 'node_tape_read_time_seconds_total', st0)).toBe(33.788355744)
    expect(sampleValue(families, 'node_tape_residual_total', st0)).toBe(19)
    expect(sampleValue(families, 'node_tape_written_bytes_total', st0)).toBe(1496246784000)
    expect(sampleValue(families, 'node_tape_writes_completed_total', st0)).toBe(53772916)
    expect(sampleValue(families, 'node_tape_write_time_seconds_total', st0)).toBe(5233597394395 * 0.000000001)
    expect(family(families, 'node_tape_io_now')?.type).toBe('gauge')
    expect(family(families, 'node_tape_residual_total')).toMatchObject({ type: 'counter', help: expect.stringContaining('larger thean the block size') })
    expect(samplesOf(families, 'node_tape_io_now').map((s) => s.labels.device)).toEqual(['st0', 'st1'])
  })

  it('reads absent stats files as 0 and accepts 0x values, as procfs', async () => {
    const families = await withSys(tree(), (o) => collectFrom(tapestatsCollector, o))
    expect(sampleValue(families, 'node_tape_io_time_seconds_total', { device: 'st1' })).toBe(16 * 0.000000001)
    expect(sampleValue(families, 'node_tape_write_time_seconds_total', { device: 'st1' })).toBe(0)
  })

  it('skips devices matching --collector.tapestats.ignored-devices, without reading them', async () => {
    const files = tree(stats('st1', { io_ns: 'garbage\n' }))
    const families = await withSys(files, (o) => collectFrom(tapestatsCollector, { ...o, args: ['--collector.tapestats.ignored-devices=^st1$'] }))
    expect(samplesOf(families, 'node_tape_io_now').map((s) => s.labels.device)).toEqual(['st0'])
  })

  it('reports no data without /sys/class/scsi_tape or without stats/ (kernels before 4.2)', async () => {
    await expect(collectFrom(tapestatsCollector)).rejects.toBeInstanceOf(NoDataError)
    const files = { 'class/scsi_tape/st0': `../../${DEVICE}/st0\n`, [`${DEVICE}/st0/dev`]: '9:0\n' }
    await expect(withSys(files, (o) => collectFrom(tapestatsCollector, o))).rejects.toBeInstanceOf(NoDataError)
  })

  it.each(['garbage\n', '-1\n', '1.5\n', '18446744073709551616\n', '\n'])('fails with a ParseError naming the file holding %j', async (content) => {
    const run = () => withSys(tree(stats('st0', { read_ns: content })), (o) => collectFrom(tapestatsCollector, o))
    await expect(run()).rejects.toBeInstanceOf(ParseError)
    await expect(run()).rejects.toThrow(/st0\/stats\/read_ns/)
  })
})
