import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { withSys } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { fibrechannelCollector } from './fibrechannel.ts'
import { NoDataError } from './types.ts'

const HOST0 = 'devices/pci0000:00/0000:00:02.0/host7/fc_host/host7'
const HOST1 = 'devices/pci0000:00/0000:00:03.0/host8/fc_host/host8'

const COUNTER_FILES = [
  'dumped_frames',
  'error_frames',
  'invalid_crc_count',
  'rx_frames',
  'rx_words',
  'tx_frames',
  'tx_words',
  'seconds_since_last_reset',
  'invalid_tx_word_count',
  'link_failure_count',
  'loss_of_sync_count',
  'loss_of_signal_count',
  'nos_count',
  'fcp_packet_aborts',
]

/** host7: every attribute, counters 0x1..0xe in file order; host8: a sparse driver. */
function tree(overrides: Record<string, string> = {}): Record<string, string> {
  const files: Record<string, string> = {
    'class/fc_host/host7': `../../${HOST0}\n`,
    'class/fc_host/host8': `../../${HOST1}\n`,
    [`${HOST0}/speed`]: '16 Gbit\n',
    [`${HOST0}/port_state`]: 'Online\n',
    [`${HOST0}/port_type`]: 'NPort (fabric via point-to-point)\n',
    [`${HOST0}/port_id`]: '0x010200\n',
    [`${HOST0}/port_name`]: '0x10000090fa123456\n',
    [`${HOST0}/node_name`]: '0x20000090fa123456\n',
    [`${HOST0}/fabric_name`]: '0x100050eb1a000000\n',
    [`${HOST0}/symbolic_name`]: 'QLE2692 FW:v9.06.02 DVR:v10.02.00.106-k\n',
    [`${HOST0}/supported_classes`]: 'Class 3\n',
    [`${HOST0}/supported_speeds`]: '4 Gbit, 8 Gbit, 16 Gbit\n',
    [`${HOST0}/dev_loss_tmo`]: '45\n',
    [`${HOST0}/statistics/reset_statistics`]: '',
    [`${HOST1}/port_state`]: 'Linkdown\n',
    [`${HOST1}/statistics/rx_frames`]: '0xffffffffffffffff\n',
    [`${HOST1}/statistics/tx_frames`]: '0x20\n',
  }
  COUNTER_FILES.forEach((file, i) => {
    files[`${HOST0}/statistics/${file}`] = `0x${(i + 1).toString(16)}\n`
  })
  return { ...files, ...overrides }
}

describe('fibrechannel collector', () => {
  it('exports the info metric with the 0x prefix dropped from ids and names', async () => {
    const families = await withSys(tree(), (o) => collectFrom(fibrechannelCollector, o))
    expect(family(families, 'node_fibrechannel_info')?.help).toBe('Non-numeric data from /sys/class/fc_host/<host>, value is always 1.')
    expect(samplesOf(families, 'node_fibrechannel_info')).toEqual([
      {
        labels: {
          fc_host: 'host7',
          speed: '16 Gbit',
          port_state: 'Online',
          port_type: 'NPort (fabric via point-to-point)',
          port_id: '010200',
          port_name: '10000090fa123456',
          fabric_name: '100050eb1a000000',
          symbolic_name: 'QLE2692 FW:v9.06.02 DVR:v10.02.00.106-k',
          supported_classes: 'Class 3',
          supported_speeds: '4 Gbit, 8 Gbit, 16 Gbit',
          dev_loss_tmo: '45',
        },
        value: 1,
      },
      {
        labels: {
          fc_host: 'host8',
          speed: '',
          port_state: 'Linkdown',
          port_type: '',
          port_id: '',
          port_name: '',
          fabric_name: '',
          symbolic_name: '',
          supported_classes: '',
          supported_speeds: '',
          dev_loss_tmo: '',
        },
        value: 1,
      },
    ])
  })

  it('exports the statistics counters with node_exporter names, help and type', async () => {
    const families = await withSys(tree(), (o) => collectFrom(fibrechannelCollector, o))
    const host7 = { fc_host: 'host7' }
    expect(sampleValue(families, 'node_fibrechannel_dumped_frames_total', host7)).toBe(1)
    expect(sampleValue(families, 'node_fibrechannel_invalid_crc_total', host7)).toBe(3)
    expect(sampleValue(families, 'node_fibrechannel_seconds_since_last_reset_total', host7)).toBe(8)
    expect(sampleValue(families, 'node_fibrechannel_invalid_tx_words_total', host7)).toBe(9)
    expect(sampleValue(families, 'node_fibrechannel_nos_total', host7)).toBe(13)
    expect(sampleValue(families, 'node_fibrechannel_fcp_packet_aborts_total', host7)).toBe(14)
    expect(family(families, 'node_fibrechannel_loss_of_sync_total')).toMatchObject({ type: 'counter', help: 'Number of failures on either bit or transmission word boundaries' })
    // 14 counter families plus the info metric
    expect(families).toHaveLength(15)
  })

  it('skips counters at 2^64-1 (not implemented) and reads absent counter files as 0, as node_exporter', async () => {
    const families = await withSys(tree(), (o) => collectFrom(fibrechannelCollector, o))
    const host8 = { fc_host: 'host8' }
    expect(sampleValue(families, 'node_fibrechannel_rx_frames_total', host8)).toBeUndefined()
    expect(sampleValue(families, 'node_fibrechannel_tx_frames_total', host8)).toBe(32)
    expect(sampleValue(families, 'node_fibrechannel_link_failure_total', host8)).toBe(0)
  })

  it('skips a counter that is not a regular file', async () => {
    const families = await withSys(tree(), async (o) => {
      mkdirSync(join(o.sysfs as string, HOST1, 'statistics', 'nos_count'))
      return collectFrom(fibrechannelCollector, o)
    })
    expect(sampleValue(families, 'node_fibrechannel_nos_total', { fc_host: 'host8' })).toBe(0)
  })

  it('reports no data without /sys/class/fc_host or with a host lacking statistics/', async () => {
    await expect(collectFrom(fibrechannelCollector)).rejects.toBeInstanceOf(NoDataError)
    const files = { 'class/fc_host/host0/port_state': 'Online\n' }
    await expect(withSys(files, (o) => collectFrom(fibrechannelCollector, o))).rejects.toBeInstanceOf(NoDataError)
  })

  it('exports nothing for an empty class directory', async () => {
    const families = await withSys({ 'class/fc_host/.keep': '' }, async (o) => collectFrom(fibrechannelCollector, o))
    expect(families).toEqual([])
  })

  it.each(['garbage\n', '-0x1\n', '0x10000000000000000\n', '\n'])('fails with a ParseError naming the counter holding %j', async (content) => {
    const run = () => withSys(tree({ [`${HOST0}/statistics/error_frames`]: content }), (o) => collectFrom(fibrechannelCollector, o))
    await expect(run()).rejects.toBeInstanceOf(ParseError)
    await expect(run()).rejects.toThrow(/error_frames/)
  })
})
