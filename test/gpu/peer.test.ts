import { existsSync } from 'node:fs'
import { expect, it } from 'vitest'
import { PEER_DIR, checkNvidiaSmiPeer } from '../../scripts/check-nvidia-smi-peer.ts'

// Real captures from telegraf and netdata live beside the clone (../shared), never in it.
it.skipIf(!existsSync(PEER_DIR))('all 14 real nvidia-smi -q -x captures parse and reproduce every mapped expected value', () => {
  const r = checkNvidiaSmiPeer()
  expect(r.parseErrors).toEqual([])
  expect(r.captures).toBe(14)
  expect(r.mismatches).toEqual([])
  expect(r.matched).toBe(r.expected)
  expect(r.expected).toBeGreaterThanOrEqual(600)
})
