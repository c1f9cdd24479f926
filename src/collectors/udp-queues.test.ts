import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf } from '../../test/helpers/collect.ts'
import { withProc } from '../../test/helpers/host-b.ts'
import { ParseError } from '../procfs/parse-error.ts'
import { udpQueuesCollector } from './udp-queues.ts'
import { NoDataError } from './types.ts'

const HEADER = '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n'
const sock = (queues: string, local = '0100007F:0035') => `  0: ${local} 00000000:0000 07 ${queues} 00:00000000 00000000   101        0 4711 2 0000000000000000 0\n`
const UDP = HEADER + sock('00000200:00000000') + sock('00000000:00001000')
const UDP6 = HEADER + sock('00000040:00000010', '00000000000000000000000001000000:0222')

const queues = (families: Awaited<ReturnType<typeof collectFrom>>) =>
  Object.fromEntries(samplesOf(families, 'node_udp_queues').map((s) => [`${s.labels.ip}/${s.labels.queue}`, s.value]))

describe('udp_queues collector', () => {
  it('sums tx and rx queues of IPv4 and IPv6 sockets, with node_exporter name and help', async () => {
    const families = await withProc({ 'net/udp': UDP, 'net/udp6': UDP6 }, (o) => collectFrom(udpQueuesCollector, o))
    expect(queues(families)).toEqual({ 'v4/tx': 0x200, 'v4/rx': 0x1000, 'v6/tx': 0x40, 'v6/rx': 0x10 })
    expect(family(families, 'node_udp_queues')).toMatchObject({
      type: 'gauge',
      help: 'Number of allocated memory in the kernel for UDP datagrams in bytes.',
    })
  })

  it('exports zeros for sockets-free files', async () => {
    const families = await withProc({ 'net/udp': HEADER, 'net/udp6': '' }, (o) => collectFrom(udpQueuesCollector, o))
    expect(queues(families)).toEqual({ 'v4/tx': 0, 'v4/rx': 0, 'v6/tx': 0, 'v6/rx': 0 })
  })

  it.each([
    ['udp6 missing (IPv6 disabled)', { 'net/udp': UDP }, { 'v4/tx': 0x200, 'v4/rx': 0x1000 }],
    ['udp missing', { 'net/udp6': UDP6 }, { 'v6/tx': 0x40, 'v6/rx': 0x10 }],
  ])('exports the other pair with %s', async (_, files, want) => {
    expect(queues(await withProc(files, (o) => collectFrom(udpQueuesCollector, o)))).toEqual(want)
  })

  it('reads the --path.netns-pid process namespace', async () => {
    const files = { 'net/udp': UDP, '77/net/udp': HEADER + sock('00000003:00000004') }
    const families = await withProc(files, (o) => collectFrom(udpQueuesCollector, { ...o, args: ['--path.netns-pid=77'] }))
    expect(queues(families)).toEqual({ 'v4/tx': 3, 'v4/rx': 4 })
  })

  it('fails on a malformed file; neither file is no data', async () => {
    const bad = { 'net/udp': UDP, 'net/udp6': `${HEADER}  0: garbage\n` }
    await expect(withProc(bad, (o) => collectFrom(udpQueuesCollector, o))).rejects.toThrowError(ParseError)
    await expect(withProc(bad, (o) => collectFrom(udpQueuesCollector, o))).rejects.toThrowError(/udp6 line 2/)
    await expect(collectFrom(udpQueuesCollector)).rejects.toBeInstanceOf(NoDataError)
  })
})
