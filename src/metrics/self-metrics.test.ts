import { closeSync, openSync, readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { openFds, selfMetrics } from './self-metrics.ts'

const value = (families: ReturnType<typeof selfMetrics>, name: string) => families.find((f) => f.name === name)?.samples[0]?.value

describe('openFds', () => {
  it('follows descriptors opened and closed by this process', () => {
    const before = openFds('/proc/self/fd')
    const fds = Array.from({ length: 5 }, () => openSync('/proc/self/stat', 'r'))
    expect(openFds('/proc/self/fd')).toBe(before + 5)
    fds.forEach((fd) => closeSync(fd))
    expect(openFds('/proc/self/fd')).toBe(before)
  })

  it('agrees with a listing less the listing’s own descriptor', () => {
    expect(openFds('/proc/self/fd')).toBe(readdirSync('/proc/self/fd').length - 1)
  })

  it('lists the entries where the directory reports no size (kernels before 6.2)', () => {
    const bySize = openFds('/proc/self/fd')
    expect(openFds('/proc/self/fd', () => 0)).toBe(bySize)
  })

  it('is what process_open_fds reports', () => {
    const families = selfMetrics(0)
    const reported = value(families, 'process_open_fds') as number
    expect(Math.abs(reported - openFds('/proc/self/fd'))).toBeLessThanOrEqual(1)
  })
})
