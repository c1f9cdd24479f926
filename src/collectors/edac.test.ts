import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { withSys } from '../../test/helpers/host-b.ts'
import { fsError, overlayFS } from '../../test/fixtures/host-a/host.ts'
import { silentLogger } from '../log/logger.ts'
import type { LogFields } from '../log/logger.ts'
import { createHostFS } from '../platform/host-fs.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { edacCollector } from './edac.ts'
import { NoDataError } from './types.ts'

const MC = 'devices/system/edac/mc'

/** One controller with its four required counts, plus `extra` files under mc/. */
function tree(extra: Record<string, string> = {}, counts = { ce: '1\n', ceNoinfo: '2\n', ue: '3\n', ueNoinfo: '4\n' }): Record<string, string> {
  return {
    [`${MC}/mc0/ce_count`]: counts.ce,
    [`${MC}/mc0/ce_noinfo_count`]: counts.ceNoinfo,
    [`${MC}/mc0/ue_count`]: counts.ue,
    [`${MC}/mc0/ue_noinfo_count`]: counts.ueNoinfo,
    ...extra,
  }
}

const host = {
  ...tree({
    [`${MC}/mc0/csrow0/ce_count`]: '5\n',
    [`${MC}/mc0/csrow0/ue_count`]: '6\n',
    [`${MC}/mc0/csrow0/ch0_ce_count`]: '7\n',
    [`${MC}/mc0/csrow0/ch0_ue_count`]: '8\n',
    [`${MC}/mc0/csrow0/ch0_dimm_label`]: 'mc0csrow0channel0\n',
    [`${MC}/mc0/csrow0/ch1_ce_count`]: '9\r\n',
    [`${MC}/mc0/csrow0/ch1_ue_count`]: ' 10 \n',
    [`${MC}/mc0/csrow0/ch1_dimm_label`]: 'CPU#1_DIMM_B1\n',
    // no ch*_ue_count and no labels: correctable only, dimm_label="unknown"
    [`${MC}/mc0/csrow10/ce_count`]: '11\n',
    [`${MC}/mc0/csrow10/ue_count`]: '12\n',
    [`${MC}/mc0/csrow10/ch0_ce_count`]: '13\n',
    [`${MC}/mc0/power/async`]: 'disabled\n',
    [`${MC}/mc0/mc_name`]: 'F17h\n',
    [`${MC}/mc1/ce_count`]: '18446744073709551615\n',
    [`${MC}/mc1/ce_noinfo_count`]: '0\n',
    [`${MC}/mc1/ue_count`]: '0\n',
    [`${MC}/mc1/ue_noinfo_count`]: '0\n',
    [`${MC}/power/control`]: 'auto\n',
  }),
}

describe('edac collector', () => {
  it("exports controller, csrow and channel counts with node_exporter's labels", async () => {
    const fams = await withSys(host, (o) => collectFrom(edacCollector, o))
    expect(samplesOf(fams, 'node_edac_correctable_errors_total')).toEqual([
      { labels: { controller: '0' }, value: 1 },
      { labels: { controller: '1' }, value: 18446744073709551615 },
    ])
    expect(samplesOf(fams, 'node_edac_uncorrectable_errors_total').map((s) => s.value)).toEqual([3, 0])
    expect(samplesOf(fams, 'node_edac_csrow_correctable_errors_total').filter((s) => s.labels.controller === '0')).toEqual([
      { labels: { controller: '0', csrow: 'unknown' }, value: 2 },
      { labels: { controller: '0', csrow: '0' }, value: 5 },
      { labels: { controller: '0', csrow: '10' }, value: 11 },
    ])
    expect(sampleValue(fams, 'node_edac_csrow_uncorrectable_errors_total', { controller: '0', csrow: 'unknown' })).toBe(4)
    expect(sampleValue(fams, 'node_edac_csrow_uncorrectable_errors_total', { controller: '0', csrow: '10' })).toBe(12)
    expect(samplesOf(fams, 'node_edac_channel_correctable_errors_total')).toEqual([
      { labels: { controller: '0', csrow: '0', channel: '0', dimm_label: 'mc0_csrow0_channel0' }, value: 7 },
      { labels: { controller: '0', csrow: '0', channel: '1', dimm_label: 'CPU1_DIMM_B1' }, value: 9 },
      { labels: { controller: '0', csrow: '10', channel: '0', dimm_label: 'unknown' }, value: 13 },
    ])
    expect(samplesOf(fams, 'node_edac_channel_uncorrectable_errors_total')).toEqual([
      { labels: { controller: '0', csrow: '0', channel: '0', dimm_label: 'mc0_csrow0_channel0' }, value: 8 },
      { labels: { controller: '0', csrow: '0', channel: '1', dimm_label: 'CPU1_DIMM_B1' }, value: 10 },
    ])
  })

  it("uses node_exporter's help texts and counter types", async () => {
    const fams = await withSys(host, (o) => collectFrom(edacCollector, o))
    expect(fams.map((f) => [f.name, f.type, f.help])).toEqual(
      expect.arrayContaining([
        ['node_edac_correctable_errors_total', 'counter', 'Total correctable memory errors.'],
        ['node_edac_uncorrectable_errors_total', 'counter', 'Total uncorrectable memory errors.'],
        ['node_edac_csrow_correctable_errors_total', 'counter', 'Total correctable memory errors for this csrow.'],
        ['node_edac_csrow_uncorrectable_errors_total', 'counter', 'Total uncorrectable memory errors for this csrow.'],
        ['node_edac_channel_correctable_errors_total', 'counter', 'Total correctable memory errors for this channel.'],
        ['node_edac_channel_uncorrectable_errors_total', 'counter', 'Total uncorrectable memory errors for this channel.'],
      ]),
    )
    expect(fams).toHaveLength(6)
  })

  it('is no data without the EDAC sysfs tree, and empty with no controllers', async () => {
    await expect(collectFrom(edacCollector)).rejects.toBeInstanceOf(NoDataError)
    await expect(withSys({ 'devices/system/cpu/online': '0\n' }, (o) => collectFrom(edacCollector, o))).rejects.toBeInstanceOf(NoDataError)
    expect(await withSys({ [`${MC}/power/control`]: 'auto\n' }, (o) => collectFrom(edacCollector, o))).toEqual([])
  })

  it('exports controller counts alone when there are no csrows', async () => {
    const fams = await withSys(tree(), (o) => collectFrom(edacCollector, o))
    expect(fams.map((f) => f.name)).toEqual([
      'node_edac_correctable_errors_total',
      'node_edac_csrow_correctable_errors_total',
      'node_edac_uncorrectable_errors_total',
      'node_edac_csrow_uncorrectable_errors_total',
    ])
    expect(family(fams, 'node_edac_channel_correctable_errors_total')).toBeUndefined()
  })

  const failures: [string, Record<string, string>, RegExp][] = [
    ['a garbled controller ce_count', tree({}, { ce: 'lots\n', ceNoinfo: '0', ue: '0', ueNoinfo: '0' }), /mc0\/ce_count/],
    ['an empty ue_count', tree({}, { ce: '0', ceNoinfo: '0', ue: '', ueNoinfo: '0' }), /mc0\/ue_count/],
    ['a negative ue_noinfo_count', tree({}, { ce: '0', ceNoinfo: '0', ue: '0', ueNoinfo: '-1\n' }), /ue_noinfo_count/],
    ['a count beyond 2^64-1', tree({}, { ce: '18446744073709551616\n', ceNoinfo: '0', ue: '0', ueNoinfo: '0' }), /mc0\/ce_count/],
    ['a fractional csrow count', tree({ [`${MC}/mc0/csrow0/ce_count`]: '1.5\n', [`${MC}/mc0/csrow0/ue_count`]: '0\n' }), /csrow0\/ce_count/],
    ['a garbled channel ce count', tree({ [`${MC}/mc0/csrow0/ce_count`]: '0', [`${MC}/mc0/csrow0/ue_count`]: '0', [`${MC}/mc0/csrow0/ch0_ce_count`]: '0x1\n' }), /ch0_ce_count/],
  ]
  it.each(failures)('fails with a ParseError naming the file on %s', async (_, files, file) => {
    const err = await withSys(files, (o) => collectFrom(edacCollector, o)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ParseError)
    expect(String(err)).toMatch(file)
  })

  it('fails, naming the file, when a required count is missing (not "no data")', async () => {
    const files = tree()
    delete files[`${MC}/mc0/ce_noinfo_count`]
    const err = await withSys(files, (o) => collectFrom(edacCollector, o)).catch((e: unknown) => e)
    expect(err).not.toBeInstanceOf(NoDataError)
    expect(String(err)).toMatch(/mc0\/ce_noinfo_count/)
    const rowless = tree({ [`${MC}/mc0/csrow0/ce_count`]: '0\n' })
    expect(String(await withSys(rowless, (o) => collectFrom(edacCollector, o)).catch((e: unknown) => e))).toMatch(/csrow0\/ue_count/)
  })

  it("skips a channel's uncorrectable count when chN_ue_count is garbled, keeping the rest", async () => {
    const files = tree({
      [`${MC}/mc0/csrow0/ce_count`]: '0\n',
      [`${MC}/mc0/csrow0/ue_count`]: '0\n',
      [`${MC}/mc0/csrow0/ch0_ce_count`]: '3\n',
      [`${MC}/mc0/csrow0/ch0_ue_count`]: 'n/a\n',
      [`${MC}/mc0/csrow0/chX_ce_count`]: '3\n',
    })
    const debug: string[] = []
    const log = { ...silentLogger, debug: (msg: string, fields?: LogFields) => debug.push(`${msg} ${JSON.stringify(fields)}`) }
    const fams = await withSys(files, (o) => collectFrom(edacCollector, { ...o, log }))
    expect(samplesOf(fams, 'node_edac_channel_correctable_errors_total')).toHaveLength(1)
    expect(family(fams, 'node_edac_channel_uncorrectable_errors_total')).toBeUndefined()
    expect(debug).toEqual([expect.stringMatching(/ue_count for channel.*ch0_ue_count/)])
  })

  it('fails on an unreadable (EACCES) count, and labels an unreadable dimm_label "unknown"', async () => {
    const files = tree({
      [`${MC}/mc0/csrow0/ce_count`]: '0\n',
      [`${MC}/mc0/csrow0/ue_count`]: '0\n',
      [`${MC}/mc0/csrow0/ch0_ce_count`]: '1\n',
      [`${MC}/mc0/csrow0/ch0_ue_count`]: '2\n',
      [`${MC}/mc0/csrow0/ch0_dimm_label`]: 'DIMM_A1\n',
    })
    await withSys(files, async (o) => {
      const base = createHostFS({ procfs: '/nonexistent', sysfs: o.sysfs as string, rootfs: '/nonexistent' })
      const deniedCount = overlayFS({ [`${o.sysfs}/${MC}/mc0/ue_count`]: fsError('EACCES', 'ue_count') }, {}, base)
      const err = await collectFrom(edacCollector, { ...o, fs: deniedCount }).catch((e: unknown) => e)
      expect(err).not.toBeInstanceOf(NoDataError)
      expect(String(err)).toMatch(/mc0\/ue_count.*EACCES/)

      const deniedLabel = overlayFS({ [`${o.sysfs}/${MC}/mc0/csrow0/ch0_dimm_label`]: fsError('EACCES', 'ch0_dimm_label') }, {}, base)
      const fams = await collectFrom(edacCollector, { ...o, fs: deniedLabel })
      expect(sampleValue(fams, 'node_edac_channel_uncorrectable_errors_total', { dimm_label: 'unknown' })).toBe(2)
    })
  })

  it('fails when the controller directory cannot be listed for a reason other than absence', async () => {
    const base = createHostFS({ procfs: '/nonexistent', sysfs: '/s', rootfs: '/nonexistent' })
    const fs = { ...base, readdir: async () => Promise.reject(fsError('EACCES', '/s/devices/system/edac/mc')) }
    const err = await collectFrom(edacCollector, { sysfs: '/s', fs }).catch((e: unknown) => e)
    expect(err).not.toBeInstanceOf(NoDataError)
    expect(String(err)).toMatch(/edac\/mc/)
  })

  it("rejects csrows under a controller whose name is not mc<digits>, as upstream's regexp does", async () => {
    const files = {
      ...tree(),
      [`${MC}/mc0x/ce_count`]: '0',
      [`${MC}/mc0x/ce_noinfo_count`]: '0',
      [`${MC}/mc0x/ue_count`]: '0',
      [`${MC}/mc0x/ue_noinfo_count`]: '0',
      [`${MC}/mc0x/csrow0/ce_count`]: '0',
    }
    await expect(withSys(files, (o) => collectFrom(edacCollector, o))).rejects.toThrowError(/mc0x\/csrow0/)
  })
})
