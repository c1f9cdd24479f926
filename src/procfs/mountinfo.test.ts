import { describe, expect, it } from 'vitest'
import { parseMountInfo } from './mountinfo.ts'

describe('parseMountInfo', () => {
  it('parses fields around optional fields and the separator', () => {
    const [m] = parseMountInfo('36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue\n')
    expect(m).toEqual({
      major: 98,
      minor: 0,
      root: '/mnt1',
      mountPoint: '/mnt2',
      options: ['rw', 'noatime'],
      fsType: 'ext3',
      source: '/dev/root',
      superOptions: ['rw', 'errors=continue'],
    })
  })

  it('unescapes \\040 and \\011 in mount points only, as node_exporter', () => {
    const [m] = parseMountInfo('1 0 8:1 / /mnt/my\\040disk\\011x\\134y rw - ext4 /dev/sd\\040a rw\n')
    expect(m?.mountPoint).toBe('/mnt/my disk\tx\\134y')
    expect(m?.source).toBe('/dev/sd\\040a')
  })

  it.each([
    ['an empty file', '', 0],
    ['CRLF line ends', '1 0 8:1 / / rw - ext4 /dev/sda1 rw\r\n2 1 0:5 / /proc rw - proc proc rw\r\n', 2],
    ['a truncated last line (skipped)', '1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:5 / /proc rw -', 1],
    ['a line without separator (skipped)', '1 0 8:1 / / rw shared:1 x ext4 /dev/sda1 rw\n', 0],
    ['a line with bad major:minor (skipped)', '1 0 8-1 / / rw - ext4 /dev/sda1 rw\n', 0],
    ['no optional fields', '22 27 0:21 / /proc rw,relatime - proc proc rw\n', 1],
  ])('handles %s', (_name, text, count) => {
    expect(parseMountInfo(text)).toHaveLength(count)
  })
})
