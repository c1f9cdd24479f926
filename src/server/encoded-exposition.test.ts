import { gunzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { EncodedExposition } from './encoded-exposition.ts'

describe('EncodedExposition', () => {
  it('compresses once per snapshot, however many scrapes ask', () => {
    const enc = new EncodedExposition()
    const first = 'node_load1 0.5\n'.repeat(1000)
    const a = enc.encode(first, 'gzip')
    for (let i = 0; i < 10; i++) {
      expect(enc.encode(first, 'gzip')).toBe(a)
    }
    expect(enc.compressions).toBe(1)
    expect(gunzipSync(a).toString()).toBe(first)
    expect(a.length).toBeLessThan(first.length / 10)
    const second = 'node_load1 0.7\n'.repeat(1000)
    expect(gunzipSync(enc.encode(second, 'gzip')).toString()).toBe(second)
    expect(enc.compressions).toBe(2)
  })

  it('identity scrapes never compress', () => {
    const enc = new EncodedExposition()
    const text = 'x 1\n'
    expect(Buffer.from(enc.encode(text, 'identity')).toString()).toBe(text)
    expect(enc.encode(text, 'identity')).toBe(enc.encode(text, 'identity'))
    expect(enc.compressions).toBe(0)
  })

  it('non-ASCII label values survive both encodings', () => {
    const enc = new EncodedExposition()
    const text = 'm{v="é€😀"} 1\n'
    expect(Buffer.from(enc.encode(text, 'identity')).toString()).toBe(text)
    expect(gunzipSync(enc.encode(text, 'gzip')).toString()).toBe(text)
  })
})
