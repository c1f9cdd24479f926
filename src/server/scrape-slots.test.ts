import { describe, expect, it } from 'vitest'
import { ScrapeSlots, slotHoldingBody } from './scrape-slots.ts'

describe('ScrapeSlots', () => {
  it('gives out `limit` slots, refuses the next, and takes each back once however often it is released', () => {
    const slots = new ScrapeSlots(2)
    const a = slots.tryTake()
    const b = slots.tryTake()
    expect(a && b).toBeTruthy()
    expect(slots.tryTake()).toBeNull()
    a?.()
    a?.()
    expect(slots.inUse).toBe(1)
    expect(slots.tryTake()).not.toBeNull()
    expect(slots.tryTake()).toBeNull()
  })

  it('limit 0 is no limit', () => {
    const slots = new ScrapeSlots(0)
    for (let i = 0; i < 1000; i++) {
      expect(slots.tryTake()).not.toBeNull()
    }
  })
})

describe('slotHoldingBody', () => {
  const bytes = Uint8Array.from({ length: 200_000 }, (_, i) => i % 251)

  it('streams the bytes whole and gives the slot back at the end, not before', async () => {
    let released = 0
    const body = slotHoldingBody(bytes, () => released++, 65_536)
    const reader = body.getReader()
    const first = await reader.read()
    expect(first.value?.length).toBe(65_536)
    expect(released).toBe(0)
    const parts = [first.value as Uint8Array]
    for (;;) {
      const { done, value } = await reader.read()
      if (done) {
        break
      }
      parts.push(value)
    }
    expect(Buffer.concat(parts).equals(Buffer.from(bytes))).toBe(true)
    expect(released).toBe(1)
  })

  it('a reader that goes away gives the slot back', async () => {
    let released = 0
    const body = slotHoldingBody(bytes, () => released++)
    const reader = body.getReader()
    await reader.read()
    await reader.cancel()
    expect(released).toBe(1)
  })

  it('an empty body ends at once and gives the slot back', async () => {
    let released = 0
    const body = slotHoldingBody(new Uint8Array(0), () => released++)
    expect((await body.getReader().read()).done).toBe(true)
    expect(released).toBe(1)
  })
})
