import { describe, expect, it, vi } from 'vitest'
import { renderExposition } from './exposition.ts'
import { Families } from './families.ts'
import { SnapshotRegistry } from './registry.ts'

describe('SnapshotRegistry', () => {
  it('exposes families with their TYPE, escaped labels, and untyped kept', async () => {
    const f = new Families()
    f.counter('node_cpu_seconds_total', 'Seconds the CPUs spent in each mode.', 12.5, { cpu: '0', mode: 'idle' })
    f.add('node_netstat_Tcp_InSegs', 'untyped', 'Statistic TcpInSegs.', {}, 3)
    f.gauge('node_weird', 'Has "quotes" and \\ slashes.', 1, { path: 'a"b\\c\nd' })
    const reg = new SnapshotRegistry()
    reg.update(f.list())
    const text = await reg.metrics()
    expect(text).toContain('# TYPE node_cpu_seconds_total counter\nnode_cpu_seconds_total{cpu="0",mode="idle"} 12.5')
    expect(text).toContain('# TYPE node_netstat_Tcp_InSegs untyped\nnode_netstat_Tcp_InSegs 3')
    expect(text).toContain('node_weird{path="a\\"b\\\\c\\nd"} 1')
    expect(reg.contentType).toMatch(/^text\/plain; version=0\.0\.4/)
  })

  it('removes families that are no longer in the snapshot', async () => {
    const reg = new SnapshotRegistry()
    const a = new Families()
    a.gauge('node_a', 'a', 1)
    a.gauge('node_b', 'b', 2)
    reg.update(a.list())
    const b = new Families()
    b.gauge('node_a', 'a', 5)
    reg.update(b.list())
    const text = await reg.metrics()
    expect(text).toContain('node_a 5')
    expect(text).not.toContain('node_b')
  })

  it('keeps the last family of a name given twice, in the place of the first', async () => {
    const reg = new SnapshotRegistry()
    const a = new Families()
    a.gauge('node_a', 'a', 1)
    a.gauge('node_b', 'b', 2)
    const again = new Families()
    again.gauge('node_a', 'a', 7)
    reg.update([...a.list(), ...again.list()])
    expect(await reg.metrics()).toBe('# HELP node_a a\n# TYPE node_a gauge\nnode_a 7\n\n# HELP node_b b\n# TYPE node_b gauge\nnode_b 2\n')
  })

  it('renders the label values of each snapshot, every scrape alike', async () => {
    const reg = new SnapshotRegistry()
    const a = new Families()
    a.gauge('node_x', 'x', 1, { device: 'sda' })
    reg.update(a.list())
    const first = await reg.metrics()
    expect(await reg.metrics()).toBe(first)
    const b = new Families()
    b.gauge('node_x', 'x', 2, { device: 'sdb' })
    reg.update(b.list())
    expect(await reg.metrics()).toBe('# HELP node_x x\n# TYPE node_x gauge\nnode_x{device="sdb"} 2\n')
  })

  it('renders once per snapshot however many scrapes come', async () => {
    const render = vi.fn(renderExposition)
    const reg = new SnapshotRegistry(render)
    const a = new Families()
    a.gauge('node_x', 'x', 1)
    reg.update(a.list())
    const bodies = await Promise.all([reg.metrics(), reg.metrics(), reg.metrics()])
    expect(new Set(bodies)).toEqual(new Set(['# HELP node_x x\n# TYPE node_x gauge\nnode_x 1\n']))
    expect(render).toHaveBeenCalledTimes(1)
    reg.update(a.list())
    await reg.metrics()
    expect(render).toHaveBeenCalledTimes(2)
  })

  it('does not keep a failed render', async () => {
    const render = vi.fn(renderExposition).mockImplementationOnce(() => {
      throw new Error('boom')
    })
    const reg = new SnapshotRegistry(render)
    const a = new Families()
    a.gauge('node_x', 'x', 1)
    reg.update(a.list())
    await expect(reg.metrics()).rejects.toThrow('boom')
    expect(await reg.metrics()).toContain('node_x 1')
  })

  it('formats special values as Prometheus expects', async () => {
    const f = new Families()
    f.gauge('node_inf', 'i', Number.POSITIVE_INFINITY)
    f.gauge('node_big', 'b', 2 ** 64)
    const reg = new SnapshotRegistry()
    reg.update(f.list())
    const text = await reg.metrics()
    expect(text).toContain('node_inf +Inf')
    expect(Number(/^node_big (\S+)$/m.exec(text)?.[1])).toBe(2 ** 64)
  })
})
