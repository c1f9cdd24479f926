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
