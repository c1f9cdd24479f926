import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf, sampleValue } from '../../test/helpers/collect.ts'
import { fsError, hostA, overlayFS } from '../../test/fixtures/host-a/host.ts'
import { osCollector } from './os.ts'
import { NoDataError } from './types.ts'

describe('os collector', () => {
  it('labels node_os_info from <rootfs>/etc/os-release and exposes the major.minor version', async () => {
    const fams = await collectFrom(osCollector, hostA)
    expect(samplesOf(fams, 'node_os_info')[0]?.labels).toEqual({
      build_id: '',
      id: 'debian',
      id_like: '',
      image_id: '',
      image_version: '',
      name: 'Debian GNU/Linux',
      pretty_name: 'Debian GNU/Linux 12 (bookworm)',
      variant: '',
      variant_id: '',
      version: '12 (bookworm)',
      version_codename: 'bookworm',
      version_id: '12',
    })
    expect(sampleValue(fams, 'node_os_version', { id: 'debian', id_like: '', name: 'Debian GNU/Linux' })).toBe(12)
    expect(family(fams, 'node_os_info')?.help).toBe(
      "A metric with a constant '1' value labeled by build_id, id, id_like, image_id, image_version, name, pretty_name, variant, variant_id, version, version_codename, version_id.",
    )
    expect(family(fams, 'node_os_support_end_timestamp_seconds')).toBeUndefined()
  })

  it('falls back to usr/lib/os-release, and parses SUPPORT_END', async () => {
    const fs = overlayFS({
      'root/etc/os-release': fsError('ENOENT', 'os-release'),
      'root/usr/lib/os-release': 'NAME="Amazon Linux"\nVERSION_ID="2023"\nID="amzn"\nSUPPORT_END="2028-03-15"\n',
    })
    const fams = await collectFrom(osCollector, { ...hostA, fs })
    expect(sampleValue(fams, 'node_os_version', { id: 'amzn' })).toBe(2023)
    expect(sampleValue(fams, 'node_os_support_end_timestamp_seconds')).toBe(Date.UTC(2028, 2, 15) / 1000)
  })

  it('follows os-release when it changes between runs of one agent', async () => {
    let text = 'ID=debian\nVERSION_ID="12"\nNAME="Debian GNU/Linux"\n'
    const base = overlayFS()
    const fs = { ...base, readFile: (p: string) => (p.endsWith('/etc/os-release') ? Promise.resolve(text) : base.readFile(p)) }
    expect(sampleValue(await collectFrom(osCollector, { ...hostA, fs }), 'node_os_version', { id: 'debian' })).toBe(12)
    expect(sampleValue(await collectFrom(osCollector, { ...hostA, fs }), 'node_os_version', { id: 'debian' })).toBe(12)
    text = 'ID=debian\nVERSION_ID="13"\nNAME="Debian GNU/Linux"\n'
    expect(sampleValue(await collectFrom(osCollector, { ...hostA, fs }), 'node_os_version', { id: 'debian' })).toBe(13)
  })

  it('omits node_os_version for a non-numeric VERSION_ID; no data without os-release; EACCES fails', async () => {
    const rolling = await collectFrom(osCollector, { ...hostA, fs: overlayFS({ 'root/etc/os-release': 'ID=arch\nBUILD_ID=rolling\n' }) })
    expect(family(rolling, 'node_os_version')).toBeUndefined()
    expect(samplesOf(rolling, 'node_os_info')[0]?.labels.build_id).toBe('rolling')
    await expect(collectFrom(osCollector, { rootfs: '/nonexistent' })).rejects.toBeInstanceOf(NoDataError)
    const err = await collectFrom(osCollector, { ...hostA, fs: overlayFS({ 'root/etc/os-release': fsError('EACCES', 'os-release') }) }).catch((e: unknown) => e)
    expect(err).not.toBeInstanceOf(NoDataError)
  })
})
