import { describe, expect, it } from 'vitest'
import { PodOomKills } from './pod-oom.ts'

describe('PodOomKills (cgroup v1)', () => {
  it('sums the containers of a pod and keeps a container counted after its cgroup is gone', () => {
    const t = new PodOomKills()
    t.observe('p1', 'c1', 0)
    t.observe('p1', 'c2', 1)
    expect(t.total('p1')).toBe(1)
    t.observe('p1', 'c1', 1) // c1 OOM-killed, then removed: c3 replaces it
    t.observe('p1', 'c3', 0)
    expect(t.total('p1')).toBe(2)
    t.observe('p1', 'c2', 1)
    t.observe('p1', 'c3', 0)
    expect(t.total('p1')).toBe(2)
    expect(t.total('p2')).toBeUndefined()
  })
  it('forgets a pod whose cgroup is gone', () => {
    const t = new PodOomKills()
    t.observe('p1', 'c1', 3)
    t.retain(new Set(['p2']))
    expect(t.total('p1')).toBeUndefined()
  })
})

describe('PodOomKills with the kernel log (cgroup v1)', () => {
  it('counts a kill seen by both the counter and the log once', () => {
    const t = new PodOomKills()
    t.observe('p1', 'c1', 0)
    t.logKill('p1', 'c1')
    t.observe('p1', 'c1', 1)
    expect(t.split('p1')).toEqual({ total: 1, fromLogOnly: 0 })
  })
  it('adds a kill in a container whose cgroup went before a tick read its counter again', () => {
    const t = new PodOomKills()
    t.observe('p1', 'c1', 1)
    t.logKill('p1', 'c1') // the earlier kill
    t.logKill('p1', 'c1') // killed again, then removed before the next tick
    t.observe('p1', 'c2', 0)
    expect(t.split('p1')).toEqual({ total: 2, fromLogOnly: 1 })
  })
  it('counts a container that no tick ever saw from the log alone', () => {
    const t = new PodOomKills()
    t.logKill('p1', 'gone')
    expect(t.total('p1')).toBe(1)
    t.observe('p1', 'c2', 0)
    expect(t.total('p1')).toBe(1)
  })
  it('keeps the counter when the ring buffer lost older records', () => {
    const t = new PodOomKills()
    t.observe('p1', 'c1', 5)
    t.logKill('p1', 'c1')
    expect(t.split('p1')).toEqual({ total: 5, fromLogOnly: 0 })
  })
  it('forgets log kills with the pod', () => {
    const t = new PodOomKills()
    t.logKill('p1', 'c1')
    t.retain(new Set())
    expect(t.total('p1')).toBeUndefined()
  })
})
