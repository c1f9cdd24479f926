import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAgentArgs } from '../config/config.ts'
import { FlagError } from '../config/flag-spec.ts'
import { collectFrom, sampleValue } from '../../test/helpers/collect.ts'
import { createNetdevCollector } from './netdev.ts'
import { netstatCollector } from './netstat.ts'
import { sockstatCollector } from './sockstat.ts'
import { softnetCollector } from './softnet.ts'

// A pod's view: <procfs>/net is the agent's own namespace (the pod's), <procfs>/4242/net
// that of process 4242 (with hostPID, the host's when 4242 is 1).
const netDev = (bytes: number) =>
  'Inter-|   Receive                                                |  Transmit\n' +
  ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n' +
  `  eth0: ${bytes} 10 0 0 0 0 0 0 ${2 * bytes} 20 0 0 0 0 0 0\n`
const views = {
  net: { bytes: 111, sockets: 7, opens: 3, processed: 0x10 },
  '4242/net': { bytes: 999_000, sockets: 900, opens: 4000, processed: 0xabc },
}

let root: string
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'odin-netns-'))
  const put = (rel: string, text: string) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true })
    writeFileSync(join(root, rel), text)
  }
  for (const [dir, v] of Object.entries(views)) {
    put(`proc/${dir}/dev`, netDev(v.bytes))
    put(`proc/${dir}/sockstat`, `sockets: used ${v.sockets}\nTCP: inuse 1 orphan 0 tw 0 alloc 1 mem 1\n`)
    put(`proc/${dir}/snmp`, `Tcp: RtoAlgorithm ActiveOpens\nTcp: 1 ${v.opens}\n`)
    put(`proc/${dir}/netstat`, 'TcpExt: SyncookiesSent\nTcpExt: 0\n')
    put(
      `proc/${dir}/softnet_stat`,
      `${v.processed.toString(16).padStart(8, '0')} 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n`,
    )
  }
  put('sys/class/net/eth0/statistics/rx_nohandler', '5\n')
})
afterAll(() => rmSync(root, { recursive: true, force: true }))

describe('--path.netns-pid', () => {
  const roots = () => ({ procfs: join(root, 'proc'), sysfs: join(root, 'sys') })
  const own = { proc: '/nonexistent', sys: '/nonexistent' }

  it.each([
    ['', views.net],
    ['4242', views['4242/net']],
  ])('pid %j: every network collector reads the same namespace', async (pid, want) => {
    const args = pid ? [`--path.netns-pid=${pid}`] : []
    // Without a pid, netdev's default (netlink) reads the agent's real namespace; <procfs>/net
    // is the fixture's stand-in for it.
    const netdev = await collectFrom(createNetdevCollector(own), { ...roots(), args: pid ? args : ['--no-collector.netdev.netlink'] })
    expect(sampleValue(netdev, 'node_network_receive_bytes_total', { device: 'eth0' })).toBe(want.bytes)
    const sockstat = await collectFrom(sockstatCollector, { ...roots(), args })
    expect(sampleValue(sockstat, 'node_sockstat_sockets_used')).toBe(want.sockets)
    const netstat = await collectFrom(netstatCollector, { ...roots(), args })
    expect(sampleValue(netstat, 'node_netstat_Tcp_ActiveOpens')).toBe(want.opens)
    const softnet = await collectFrom(softnetCollector, { ...roots(), args })
    expect(sampleValue(softnet, 'node_softnet_processed_total', { cpu: '0' })).toBe(want.processed)
  })

  it('takes rx_nohandler from --path.sysfs, whose devices are that namespace', async () => {
    const netdev = await collectFrom(createNetdevCollector(own), { ...roots(), args: ['--path.netns-pid=4242'] })
    expect(sampleValue(netdev, 'node_network_receive_nohandler_total', { device: 'eth0' })).toBe(5)
  })

  it.each(['self', '-1', '1 2'])('rejects %j with one line naming the flag', (bad) => {
    expect(() => parseAgentArgs([`--path.netns-pid=${bad}`], [])).toThrowError(FlagError)
    expect(() => parseAgentArgs([`--path.netns-pid=${bad}`], [])).toThrowError(/^--path\.netns-pid: invalid value/)
  })
})
