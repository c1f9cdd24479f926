import { mkdirSync, writeFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf } from '../../test/helpers/collect.ts'
import { withSys } from '../../test/helpers/host-b.ts'
import { fsError, overlayFS } from '../../test/fixtures/host-a/host.ts'
import { createHostFS } from '../platform/host-fs.ts'
import type { HostFS } from '../platform/host-fs.ts'
import { dmiCollector } from './dmi.ts'
import { NoDataError } from './types.ts'

const ID = 'class/dmi/id'

/** A server's /sys/class/dmi/id, serials included (readable to root). */
const server: Record<string, string> = {
  [`${ID}/bios_date`]: '03/14/2023\n',
  [`${ID}/bios_release`]: '1.9\n',
  [`${ID}/bios_vendor`]: 'American Megatrends International, LLC.\n',
  [`${ID}/bios_version`]: '1.9a\n',
  [`${ID}/board_asset_tag`]: 'Base Board Asset Tag\n',
  [`${ID}/board_name`]: 'H13DSG-O-CPU\n',
  [`${ID}/board_serial`]: 'OM23AS000123\n',
  [`${ID}/board_vendor`]: 'Supermicro\n',
  [`${ID}/board_version`]: '1.01A\n',
  [`${ID}/chassis_asset_tag`]: '\n',
  [`${ID}/chassis_serial`]: 'C8180LM99A00001\n',
  [`${ID}/chassis_type`]: '23\n',
  [`${ID}/chassis_vendor`]: 'Supermicro\n',
  [`${ID}/chassis_version`]: '0123456789\n',
  [`${ID}/product_family`]: 'Family\n',
  [`${ID}/product_name`]: 'AS -8125GS-TNHR\n',
  [`${ID}/product_serial`]: 'S123456X3A00001\n',
  [`${ID}/product_sku`]: 'To be filled by O.E.M.\n',
  [`${ID}/product_uuid`]: '3a1f0c2e-0000-4000-8000-3cecef000001\n',
  [`${ID}/product_version`]: '0123456789\n',
  [`${ID}/sys_vendor`]: 'Supermicro\n',
  [`${ID}/modalias`]: 'dmi:bvnAmericanMegatrends:bvr1.9a:\n',
  [`${ID}/uevent`]: 'MODALIAS=dmi:bvnAmericanMegatrends\n',
  [`${ID}/power/control`]: 'auto\n',
}

function without(files: Record<string, string>, ...names: string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(files).filter(([path]) => !names.some((n) => path === `${ID}/${n}`)))
}

function fsOver(sysfs: string, files: Record<string, NodeJS.ErrnoException>): HostFS {
  const base = createHostFS({ procfs: '/nonexistent', sysfs, rootfs: '/nonexistent' })
  return overlayFS(Object.fromEntries(Object.entries(files).map(([name, err]) => [`${sysfs}/${ID}/${name}`, err])), {}, base)
}

describe('dmi collector', () => {
  it('exports one node_dmi_info sample labelled from /sys/class/dmi/id', async () => {
    const fams = await withSys(server, (o) => collectFrom(dmiCollector, o))
    expect(fams).toEqual([
      {
        name: 'node_dmi_info',
        type: 'gauge',
        help: "A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, bios_version, board_asset_tag, board_name, board_serial, board_vendor, board_version, chassis_asset_tag, chassis_serial, chassis_vendor, chassis_version, product_family, product_name, product_serial, product_sku, product_uuid, product_version, system_vendor if provided by DMI.",
        samples: [
          {
            value: 1,
            labels: {
              bios_date: '03/14/2023',
              bios_release: '1.9',
              bios_vendor: 'American Megatrends International, LLC.',
              bios_version: '1.9a',
              board_asset_tag: 'Base Board Asset Tag',
              board_name: 'H13DSG-O-CPU',
              board_serial: 'OM23AS000123',
              board_vendor: 'Supermicro',
              board_version: '1.01A',
              chassis_asset_tag: '',
              chassis_serial: 'C8180LM99A00001',
              chassis_vendor: 'Supermicro',
              chassis_version: '0123456789',
              product_family: 'Family',
              product_name: 'AS -8125GS-TNHR',
              product_serial: 'S123456X3A00001',
              product_sku: 'To be filled by O.E.M.',
              product_uuid: '3a1f0c2e-0000-4000-8000-3cecef000001',
              product_version: '0123456789',
              system_vendor: 'Supermicro',
            },
          },
        ],
      },
    ])
  })

  it('omits the labels of missing files and keeps empty values', async () => {
    const files = without(server, 'board_asset_tag', 'product_family', 'bios_release', 'sys_vendor')
    const [sample] = samplesOf(await withSys(files, (o) => collectFrom(dmiCollector, o)), 'node_dmi_info')
    expect(Object.keys(sample?.labels ?? {})).toHaveLength(16)
    expect(sample?.labels).not.toHaveProperty('board_asset_tag')
    expect(sample?.labels).not.toHaveProperty('system_vendor')
    expect(sample?.labels.chassis_asset_tag).toBe('')
  })

  it('omits root-only attributes (EACCES, EPERM) as node_exporter does when not root', async () => {
    await withSys(server, async (o) => {
      const fs = fsOver(o.sysfs as string, {
        board_serial: fsError('EACCES', 'board_serial'),
        chassis_serial: fsError('EACCES', 'chassis_serial'),
        product_serial: fsError('EACCES', 'product_serial'),
        product_uuid: fsError('EPERM', 'product_uuid'),
      })
      const [sample] = samplesOf(await collectFrom(dmiCollector, { ...o, fs }), 'node_dmi_info')
      expect(Object.keys(sample?.labels ?? {}).filter((k) => /serial|uuid/.test(k))).toEqual([])
      expect(Object.keys(sample?.labels ?? {})).toHaveLength(16)
    })
  })

  it('skips a directory in place of an attribute and fails on other read errors', async () => {
    await withSys(without(server, 'bios_date'), async (o) => {
      mkdirSync(`${o.sysfs}/${ID}/bios_date`)
      const [sample] = samplesOf(await collectFrom(dmiCollector, o), 'node_dmi_info')
      expect(sample?.labels).not.toHaveProperty('bios_date')
      const fs = fsOver(o.sysfs as string, { product_name: fsError('EIO', 'product_name') })
      const err = await collectFrom(dmiCollector, { ...o, fs }).catch((e: unknown) => e)
      expect(err).not.toBeInstanceOf(NoDataError)
      expect(String(err)).toMatch(/product_name.*EIO/)
    })
  })

  it('trims CRLF and whitespace, cuts values at 128 bytes and keeps odd bytes as U+FFFD', async () => {
    const files = {
      [`${ID}/product_name`]: '  Server X \r\n',
      [`${ID}/product_sku`]: `${'S'.repeat(300)}\n`,
      [`${ID}/board_name`]: '\ufffd\u001c[\ufffd\n',
    }
    await withSys(files, async (o) => {
      writeFileSync(`${o.sysfs}/${ID}/board_vendor`, Buffer.from([0x41, 0xff, 0x42, 0x0a]))
      const [sample] = samplesOf(await collectFrom(dmiCollector, o), 'node_dmi_info')
      expect(sample?.labels).toEqual({
        product_name: 'Server X',
        product_sku: 'S'.repeat(128),
        board_name: '\ufffd\u001c[\ufffd',
        board_vendor: 'A\ufffdB',
      })
    })
  })

  it('is no data without /sys/class/dmi/id or without a readable attribute in it', async () => {
    await expect(collectFrom(dmiCollector)).rejects.toBeInstanceOf(NoDataError)
    const bare = { [`${ID}/modalias`]: 'dmi:\n', [`${ID}/uevent`]: 'MODALIAS=dmi:\n', [`${ID}/chassis_type`]: '1\n' }
    await expect(withSys(bare, (o) => collectFrom(dmiCollector, o))).rejects.toBeInstanceOf(NoDataError)
    const onlySecret = { [`${ID}/product_uuid`]: 'x\n' }
    await withSys(onlySecret, async (o) => {
      const fs = fsOver(o.sysfs as string, { product_uuid: fsError('EACCES', 'product_uuid') })
      await expect(collectFrom(dmiCollector, { ...o, fs })).rejects.toBeInstanceOf(NoDataError)
    })
  })

  it('fails when /sys/class/dmi/id cannot be listed for a reason other than absence', async () => {
    const base = createHostFS({ procfs: '/nonexistent', sysfs: '/s', rootfs: '/nonexistent' })
    const fs = { ...base, readdir: async () => Promise.reject(fsError('EACCES', '/s/class/dmi/id')) }
    const err = await collectFrom(dmiCollector, { sysfs: '/s', fs }).catch((e: unknown) => e)
    expect(err).not.toBeInstanceOf(NoDataError)
    expect(String(err)).toMatch(/dmi\/id/)
  })

  it('reads the attributes afresh each run (no cache to go stale between fixture trees)', async () => {
    await withSys({ [`${ID}/bios_version`]: '1.0\n' }, async (o) => {
      expect(samplesOf(await collectFrom(dmiCollector, o), 'node_dmi_info')[0]?.labels).toEqual({ bios_version: '1.0' })
      writeFileSync(`${o.sysfs}/${ID}/bios_version`, '2.0\n')
      expect(family(await collectFrom(dmiCollector, o), 'node_dmi_info')?.samples[0]?.labels).toEqual({ bios_version: '2.0' })
    })
  })
})
