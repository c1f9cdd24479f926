import { describe, expect, it } from 'vitest'
import { onChange } from './on-change.ts'

describe('onChange', () => {
  it('reports the first outcome, each new error and the recovery, once each', () => {
    const seen: (string | undefined)[] = []
    const report = onChange((e) => seen.push(e))
    for (const e of [undefined, undefined, 'ECONNREFUSED', 'ECONNREFUSED', 'timeout', undefined, undefined]) report(e)
    expect(seen).toEqual([undefined, 'ECONNREFUSED', 'timeout', undefined])
  })
})
