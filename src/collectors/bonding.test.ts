import { describe, expect, it } from 'vitest'
import { collectFrom, family, samplesOf } from '../../test/helpers/collect.ts'
import { withSys } from '../../test/helpers/host-b.ts'
import { bondingCollector } from './bonding.ts'
import { NoDataError } from './types.ts'

const mii = (master: string, dir: string, state: string) => ({ [`class/net/${master}/${dir}/bonding_slave/mii_status`]: state })

/** Two bonds (lower_ links of current kernels, slave_ of older ones) and one without slaves. */
const TREE = {
  'class/net/bonding_masters': 'uplink storage spare\n',
  'class/net/uplink/bonding/slaves': 'ens1f0 ens1f1 ens2f0\n',
  ...mii('uplink', 'lower_ens1f0', 'up\n'),
  ...mii('uplink', 'lower_ens1f1', 'down\n'),
  ...mii('uplink', 'lower_ens2f0', 'up\n'),
  'class/net/storage/bonding/slaves': 'eth2\r\neth3',
  ...mii('storage', 'slave_eth2', 'up'),
  ...mii('storage', 'slave_eth3', ' up \n'),
  'class/net/spare/bonding/slaves': '\n',
}

const counts = (families: Awaited<ReturnType<typeof collectFrom>>, name: string) => Object.fromEntries(samplesOf(families, name).map((s) => [s.labels.master, s.value]))

describe('bonding collector', () => {
  it('counts configured and up slaves per master, with node_exporter names and help', async () => {
    const families = await withSys(TREE, (o) => collectFrom(bondingCollector, o))
    expect(counts(families, 'node_bonding_slaves')).toEqual({ uplink: 3, storage: 2, spare: 0 })
    expect(counts(families, 'node_bonding_active')).toEqual({ uplink: 2, storage: 2, spare: 0 })
    expect(family(families, 'node_bonding_slaves')).toMatchObject({ type: 'gauge', help: 'Number of configured slaves per bonding interface.' })
    expect(family(families, 'node_bonding_active')).toMatchObject({ type: 'gauge', help: 'Number of active slaves per bonding interface.' })
  })

  it('prefers lower_ over slave_, counts only an exact "up", reports a repeated master once', async () => {
    const tree = {
      'class/net/bonding_masters': 'bond0 bond0',
      'class/net/bond0/bonding/slaves': 'a b c',
      ...mii('bond0', 'lower_a', 'up'),
      ...mii('bond0', 'slave_a', 'down'),
      ...mii('bond0', 'lower_b', 'UP'),
      ...mii('bond0', 'lower_c', 'going back'),
    }
    const families = await withSys(tree, (o) => collectFrom(bondingCollector, o))
    expect(samplesOf(families, 'node_bonding_active')).toEqual([{ labels: { master: 'bond0' }, value: 1 }])
    expect(samplesOf(families, 'node_bonding_slaves')).toEqual([{ labels: { master: 'bond0' }, value: 3 }])
  })

  it('exports nothing for an empty bonding_masters', async () => {
    expect(await withSys({ 'class/net/bonding_masters': '' }, (o) => collectFrom(bondingCollector, o))).toEqual([])
  })

  it.each([
    ['no bonding_masters (module not loaded)', { 'class/net/eth0/mtu': '1500\n' }],
    ['a master without bonding/slaves', { 'class/net/bonding_masters': 'bond0\n' }],
    ['a slave without mii_status', { 'class/net/bonding_masters': 'bond0\n', 'class/net/bond0/bonding/slaves': 'eth0\n' }],
  ])('is no data with %s, as node_exporter', async (_, tree) => {
    await expect(withSys(tree, (o) => collectFrom(bondingCollector, o))).rejects.toBeInstanceOf(NoDataError)
  })

  it('fails, not no data, when a file cannot be read for another reason', async () => {
    const tree = { 'class/net/bonding_masters': 'bond0\n', 'class/net/bond0/bonding/slaves/x': '' }
    await expect(withSys(tree, (o) => collectFrom(bondingCollector, o))).rejects.toThrowError(/couldn't read .*bond0\/bonding\/slaves/)
  })
})
